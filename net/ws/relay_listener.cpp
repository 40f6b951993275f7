// The relay listener: binding, the accept loop (admission, then a handshake per connection on
// its own strand) and the orderly stop.

#include "net/ws/relay_listener.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>

#include "net/ws/relay_core.hpp"
#include "net/ws/relay_handshake.hpp"
#include "net/ws/tls_context.hpp"

namespace agora::net {

using tcp = asio::ip::tcp;

struct relay_listener::runtime {
  runtime(std::shared_ptr<relay_core> c, std::chrono::milliseconds grace)
      : core(std::move(c)), stop_grace(grace), strand(asio::make_strand(ioc)), acceptor(strand) {}

  std::shared_ptr<relay_core> core;
  std::chrono::milliseconds stop_grace;
  asio::io_context ioc;
  asio::strand<asio::io_context::executor_type> strand;  // the accept loop's
  tcp::acceptor acceptor;
};

namespace {

status check(const relay_listener_options& o) {
  if (o.threads == 0 || o.threads > 64)
    return make_error(errc::invalid_argument, "relay_listener_options.threads: outside [1, 64]");
  if (o.tls_certificate_file.empty() != o.tls_private_key_file.empty())
    return make_error(errc::invalid_argument,
                      "relay_listener_options: a TLS certificate needs its key and back");
  return check(o.limits);
}

/// Opens, binds and listens on host:port. io_error or invalid_argument.
status listen_on(tcp::acceptor& acceptor, const std::string& host, uint16_t port) {
  boost::system::error_code ec;
  tcp::resolver resolver(acceptor.get_executor());
  const auto found = resolver.resolve(host, std::to_string(port),
                                      tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || found.empty())
    return make_error(errc::invalid_argument, "listen address " + host + ": " + ec.message());
  const tcp::endpoint at = found.begin()->endpoint();
  if (acceptor.open(at.protocol(), ec); !ec)
    if (acceptor.set_option(asio::socket_base::reuse_address(true), ec); !ec)
      if (acceptor.bind(at, ec); !ec)
        acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return make_error(errc::io_error, "cannot listen on " + host + ":" + std::to_string(port) +
                                          ": " + ec.message());
  return {};
}

/// Starts the handshake of an admitted connection.
void hand_over(const std::shared_ptr<relay_core>& core, tcp::socket socket, connection_slot slot,
               std::string peer) {
  if (core->tls) {
    std::make_shared<relay_handshake<tls_stream>>(tls_stream(std::move(socket), *core->tls), core,
                                                  std::move(slot), std::move(peer))
        ->start();
  } else {
    std::make_shared<relay_handshake<plain_stream>>(plain_stream(std::move(socket)), core,
                                                    std::move(slot), std::move(peer))
        ->start();
  }
}

}  // namespace

result<std::unique_ptr<relay_listener>>
relay_listener::start(caf::actor_system& sys, actors::frame_sink relay,
                      relay_listener_options options, std::shared_ptr<const clock_source> clock) {
  AGORA_ASSERT(relay != nullptr);
  AGORA_ASSERT(clock != nullptr);
  if (auto s = check(options); !s)
    return s.error();
  auto metrics = std::make_shared<ws_metrics>();
  auto core = std::make_shared<relay_core>();
  core->sys = &sys;
  core->relay = std::move(relay);
  core->limits = options.limits;
  core->metrics = metrics;
  core->clock = std::move(clock);
  core->table = std::make_shared<connection_table>(options.limits.connections_per_ip_max,
                                                   options.limits.connections_max, metrics);
  if (!options.tls_certificate_file.empty()) {
    auto tls = server_tls_context(options.tls_certificate_file, options.tls_private_key_file);
    if (!tls)
      return tls.error();
    core->tls.emplace(std::move(tls.value()));
  }
  auto rt = std::make_unique<runtime>(std::move(core), options.stop_grace);
  if (auto s = listen_on(rt->acceptor, options.host, options.port); !s)
    return s.error();
  std::unique_ptr<relay_listener> listener(new relay_listener(std::move(metrics), std::move(rt)));
  listener->accept();
  for (size_t i = 0; i < options.threads; ++i)
    listener->threads_.emplace_back([io = &listener->rt_->ioc] { io->run(); });
  spdlog::info("ws: relay listening on {}://{}:{}{} ({} thread(s))", listener->tls() ? "wss" : "ws",
               options.host, listener->port_, provider_connect_path, options.threads);
  return listener;
}

relay_listener::relay_listener(std::shared_ptr<ws_metrics> metrics, std::unique_ptr<runtime> rt)
    : metrics_(std::move(metrics)), rt_(std::move(rt)),
      port_(rt_->acceptor.local_endpoint().port()) {
  AGORA_ASSERT(port_ != 0);
}

relay_listener::~relay_listener() {
  stop();
}

bool relay_listener::tls() const {
  return rt_ != nullptr && rt_->core->tls.has_value();
}

void relay_listener::accept() {
  rt_->acceptor.async_accept(asio::make_strand(rt_->ioc),
                             [this](boost::system::error_code ec, tcp::socket socket) {
                               if (ec == asio::error::operation_aborted || !rt_->acceptor.is_open())
                                 return;  // stopping
                               if (ec) {
                                 spdlog::warn("ws: accept failed: {}", ec.message());
                                 return accept();
                               }
                               boost::system::error_code peer_ec;
                               const tcp::endpoint peer = socket.remote_endpoint(peer_ec);
                               const std::string ip = peer_ec ? "?" : peer.address().to_string();
                               if (auto slot = rt_->core->table->admit(ip))
                                 hand_over(rt_->core, std::move(socket), std::move(*slot),
                                           ip + ":" + std::to_string(peer.port()));
                               accept();
                             });
}

void relay_listener::stop() {
  if (rt_ == nullptr)
    return;
  asio::post(rt_->strand, [rt = rt_.get()] {
    boost::system::error_code ignored;
    rt->acceptor.close(ignored);
  });
  const auto& table = rt_->core->table;
  table->close_all();
  if (!table->wait_empty(rt_->stop_grace))
    spdlog::warn("ws: relay listener stops with connections still closing");
  rt_->ioc.stop();
  for (std::thread& t : threads_)
    t.join();
  threads_.clear();
  rt_.reset();  // destroys what is left of every connection; their bridge actors quit
  spdlog::info("ws: relay listener on port {} stopped", port_);
}

}  // namespace agora::net
