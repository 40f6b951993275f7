// The responder's calls, posted to the connection's strand (http_responder.hpp).
#include "net/gateway/http_responder.hpp"

#include <boost/asio/post.hpp>

#include "net/gateway/http_session.hpp"

namespace agora::net {

template <class Fn>
void http_responder::post(Fn fn) {
  std::lock_guard lock(gate_->mutex);
  if (!gate_->open)
    return;  // the server stopped: its io_context runs no more
  auto session = session_.lock();
  if (session == nullptr)
    return;  // the connection closed (on_gone ran, if it was set)
  asio::post(session->executor(), [session, fn = std::move(fn)]() mutable { fn(*session); });
}

void http_responder::reply(http::status status, std::string content_type, std::string body,
                           http_headers extra) {
  post([status, content_type = std::move(content_type), body = std::move(body),
        extra = std::move(extra)](http_session& s) mutable {
    s.reply(status, content_type, std::move(body), extra);
  });
}

void http_responder::start_stream(std::string content_type, http_headers extra) {
  post([content_type = std::move(content_type), extra = std::move(extra)](http_session& s) {
    s.start_stream(content_type, extra);
  });
}

void http_responder::stream(std::string part) {
  post([part = std::move(part)](http_session& s) mutable { s.stream(std::move(part)); });
}

void http_responder::end_stream() {
  post([](http_session& s) { s.end_stream(); });
}

void http_responder::on_gone(std::function<void()> on_gone) {
  std::shared_ptr<http_session> session;
  {
    std::lock_guard lock(gate_->mutex);
    if (!gate_->open)
      return;
    session = session_.lock();
    if (session != nullptr)
      asio::post(session->executor(),
                 [session, on_gone]() mutable { session->on_gone(std::move(on_gone)); });
  }
  if (session == nullptr)
    on_gone();  // closed before the handler could ask
}

}  // namespace agora::net
