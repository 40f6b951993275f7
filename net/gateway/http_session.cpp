// One HTTP connection: read, dispatch, write, keep-alive (http_session.hpp).
#include "net/gateway/http_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <sstream>
#include <utility>

#include "core/assert.hpp"

namespace agora::net {

namespace {

/// How long a refused connection keeps reading (and dropping) what the client still sends, so
/// that closing with unread data (a TCP reset) does not destroy the refusal before it is read.
constexpr std::chrono::seconds linger_timeout{2};
constexpr size_t linger_bytes_max = size_t{4} << 20;

/// A header (status line, fields, blank line) as its wire text.
template <class Message>
std::string wire_text(const Message& message) {
  std::ostringstream out;
  out << message;
  return out.str();
}

/// One chunk of a chunked body: hex size, CRLF, data, CRLF.
std::string chunk_of(const std::string& data) {
  std::ostringstream out;
  out << std::hex << data.size() << "\r\n" << data << "\r\n";
  return out.str();
}

}  // namespace

http_session::http_session(asio::ip::tcp::socket socket, std::shared_ptr<http_server_shared> server)
    : stream_(std::move(socket)), server_(std::move(server)) {
  AGORA_ASSERT(server_ != nullptr);
  ++server_->connections;
}

http_session::~http_session() {
  AGORA_ASSERT(server_->connections > 0);
  --server_->connections;
}

void http_session::start() {
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
}

void http_session::read() {
  const http_server_options& o = server_->options;
  phase_ = phase::reading;
  parser_.emplace();
  parser_->body_limit(o.body_bytes_max);
  parser_->header_limit(o.header_bytes_max);
  stream_.expires_after(o.read_timeout);
  http::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
}

void http_session::on_read(beast::error_code ec) {
  AGORA_ASSERT(phase_ == phase::reading);
  const uint64_t body_max = server_->options.body_bytes_max;
  if (ec == http::error::body_limit)
    return refuse(http::status::payload_too_large,
                  "The request body exceeds " + std::to_string(body_max) + " bytes.");
  if (ec == http::error::header_limit)
    return refuse(http::status::request_header_fields_too_large,
                  "The request header exceeds its size limit.");
  if (ec && ec.category() == http::make_error_code(http::error::bad_target).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message)
    return refuse(http::status::bad_request, "Malformed HTTP request: " + ec.message() + ".");
  if (ec)
    return close();  // timeout, reset, end of stream
  stream_.expires_never();
  const http_request& request = parser_->get();
  keep_alive_ = request.keep_alive();
  version_ = request.version();
  phase_ = phase::answering;
  on_gone_ = nullptr;
  hold(true);
  watch_peer();
  server_->handler(request, std::make_shared<http_responder>(weak_from_this(), server_->gate));
}

void http_session::watch_peer() {
  // Weak: the wait must not keep the session alive (a stopped server drops what it answers).
  stream_.socket().async_wait(asio::ip::tcp::socket::wait_read,
                              [weak = weak_from_this()](beast::error_code ec) {
                                if (auto self = weak.lock())
                                  self->on_peer_readable(ec);
                              });
}

void http_session::on_peer_readable(beast::error_code ec) {
  if (phase_ != phase::answering && phase_ != phase::streaming)
    return;  // answered, or closed (the wait was cancelled)
  if (ec)
    return close();
  char next = 0;
  auto& socket = stream_.socket();
  socket.non_blocking(true, ec);  // a spurious wake-up must not block the strand
  const size_t n = ec ? 0 : socket.receive(asio::buffer(&next, 1), socket.message_peek, ec);
  beast::error_code ignored;
  socket.non_blocking(false, ignored);
  if (ec == asio::error::would_block || ec == asio::error::try_again)
    return watch_peer();
  if (ec || n == 0)
    return close();  // end of stream, or reset: the client went away
  // A pipelined request is waiting: read() takes it once this answer is out.
}

void http_session::on_gone(std::function<void()> on_gone) {
  if (phase_ == phase::closed)
    return on_gone();
  if (phase_ == phase::answering || phase_ == phase::streaming)
    on_gone_ = std::move(on_gone);
}

bool http_session::expects(phase wanted) {
  if (phase_ == phase::closed || phase_ == phase::refusing)
    return false;
  AGORA_ASSERT(phase_ == wanted);  // the handler answers once, a stream only once started
  return true;
}

void http_session::reply(http::status status, const std::string& content_type, std::string body,
                         const http_headers& extra) {
  if (!expects(phase::answering))
    return;
  http::response<http::string_body> response{status, version_};
  response.set(http::field::content_type, content_type);
  for (const auto& [name, value] : extra)
    response.set(name, value);
  response.keep_alive(keep_alive_);
  response.body() = std::move(body);
  response.prepare_payload();
  phase_ = phase::done;
  send(wire_text(response));
  hold(false);  // the write owns the session now
}

void http_session::start_stream(const std::string& content_type, const http_headers& extra) {
  if (!expects(phase::answering))
    return;
  http::response<http::empty_body> response{http::status::ok, version_};
  response.set(http::field::content_type, content_type);
  for (const auto& [name, value] : extra)
    response.set(name, value);
  response.set(http::field::cache_control, "no-cache");
  response.keep_alive(keep_alive_);
  response.chunked(true);
  phase_ = phase::streaming;
  send(wire_text(response.base()));
}

void http_session::stream(std::string part) {
  if (!expects(phase::streaming) || part.empty())
    return;
  send(chunk_of(part));
}

void http_session::end_stream() {
  if (!expects(phase::streaming))
    return;
  phase_ = phase::done;
  send("0\r\n\r\n");
  hold(false);
}

void http_session::refuse(http::status status, std::string_view message) {
  spdlog::info("gateway: refused an HTTP request: {} {}", static_cast<int>(status), message);
  phase_ = phase::answering;
  keep_alive_ = false;
  reply(status, "application/json", server_->refusal(status, message));
  phase_ = phase::refusing;
}

void http_session::send(std::string data) {
  AGORA_ASSERT(!data.empty());
  outbox_.push_back(std::move(data));
  if (outbox_.size() == 1)
    write();
}

void http_session::write() {
  AGORA_ASSERT(!outbox_.empty());
  stream_.expires_after(server_->options.write_timeout);
  asio::async_write(
      stream_, asio::buffer(outbox_.front()),
      [self = shared_from_this()](beast::error_code ec, size_t) { self->on_write(ec); });
}

void http_session::on_write(beast::error_code ec) {
  if (phase_ == phase::closed)
    return;  // closed while the write was in flight (the client went away): nothing more
  if (ec)
    return close();
  outbox_.pop_front();
  if (!outbox_.empty())
    return write();
  stream_.expires_never();
  if (phase_ == phase::refusing) {
    beast::error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    return linger();
  }
  if (phase_ != phase::done)
    return;  // streaming: more parts come
  if (keep_alive_)
    return read();
  close();
}

void http_session::linger() {
  stream_.expires_after(linger_timeout);
  discard_.resize(64 << 10);
  stream_.async_read_some(asio::buffer(discard_),
                          [self = shared_from_this()](beast::error_code ec, size_t n) {
                            self->lingered_bytes_ += n;
                            if (ec || self->lingered_bytes_ > linger_bytes_max)
                              return self->close();
                            self->linger();
                          });
}

void http_session::hold(bool answering) {
  std::lock_guard lock(server_->answering_mutex);
  if (answering)
    server_->answering.insert(shared_from_this());
  else
    server_->answering.erase(shared_from_this());
}

void http_session::close() {
  hold(false);
  const bool unanswered = phase_ == phase::answering || phase_ == phase::streaming;
  phase_ = phase::closed;
  if (auto gone = std::exchange(on_gone_, nullptr); gone && unanswered)
    gone();
  // outbox_ stays: a write in flight still reads its front; the session frees it when it goes.
  beast::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.close();
}

}  // namespace agora::net
