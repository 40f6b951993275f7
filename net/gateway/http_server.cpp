// The gateway's HTTP server: the listener and the io_context threads (http_server.hpp).
#include "net/gateway/http_server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/strand.hpp>

#include "net/gateway/http_session.hpp"

namespace agora::net {

http_server::http_server(http_server_options options, http_handler handler, http_refusal refusal)
    : shared_(std::make_shared<http_server_shared>()), acceptor_(ioc_) {
  AGORA_ASSERT(handler != nullptr);
  AGORA_ASSERT(refusal != nullptr);
  options.threads = std::clamp<size_t>(options.threads, 1, http_server_options::threads_max);
  options.connections_max = std::max<size_t>(options.connections_max, 1);
  shared_->options = std::move(options);
  shared_->handler = std::move(handler);
  shared_->refusal = std::move(refusal);
}

http_server::~http_server() {
  stop();
}

status http_server::start() {
  AGORA_ASSERT(!started_);
  const http_server_options& o = shared_->options;
  boost::system::error_code ec;
  const auto host = asio::ip::make_address(o.host, ec);
  if (ec)
    return make_error(errc::invalid_argument, "gateway host '" + o.host + "': " + ec.message());
  const asio::ip::tcp::endpoint endpoint{host, o.port};
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec)
    acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec)
    acceptor_.bind(endpoint, ec);
  if (!ec)
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return make_error(errc::io_error, "gateway cannot listen on " + o.host + ":" +
                                          std::to_string(o.port) + ": " + ec.message());
  port_ = acceptor_.local_endpoint().port();
  started_ = true;
  accept();
  for (size_t i = 0; i < o.threads; ++i)
    threads_.emplace_back([this] { ioc_.run(); });
  spdlog::info("gateway: listening on http://{}:{} ({} threads)", o.host, port_, o.threads);
  AGORA_ASSERT(port_ != 0);
  return {};
}

uint16_t http_server::port() const {
  AGORA_ASSERT(started_);
  return port_;
}

void http_server::accept() {
  acceptor_.async_accept(asio::make_strand(ioc_), [this](boost::system::error_code ec,
                                                         asio::ip::tcp::socket socket) {
    if (ec == asio::error::operation_aborted)
      return;  // stopping
    if (ec)
      spdlog::warn("gateway: accept failed: {}", ec.message());
    else if (shared_->connections >= shared_->options.connections_max)
      spdlog::warn("gateway: {} connections open: closed a new one", shared_->connections.load());
    else {
      boost::system::error_code ignored;  // SSE chunks are small: no Nagle delay
      socket.set_option(asio::ip::tcp::no_delay(true), ignored);
      std::make_shared<http_session>(std::move(socket), shared_)->start();
    }
    accept();
  });
}

void http_server::stop() {
  {
    std::lock_guard lock(shared_->gate->mutex);
    shared_->gate->open = false;
  }
  ioc_.stop();
  for (std::thread& t : threads_)
    t.join();
  threads_.clear();
  {
    std::lock_guard lock(shared_->answering_mutex);
    shared_->answering.clear();  // unanswered requests: their connections close now
  }
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  AGORA_ASSERT(threads_.empty());
}

}  // namespace agora::net
