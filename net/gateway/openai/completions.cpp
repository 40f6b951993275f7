// The completion endpoints and the listener that turns an inference into OpenAI's answer
// (completions.hpp).
#include "net/gateway/openai/completions.hpp"

#include <caf/send.hpp>

#include "net/gateway/openai/response.hpp"

namespace agora::net::gateway::openai {

namespace {

/// Answers one request from the actors' callbacks; they come one at a time, in order.
class completion_listener final : public inference_listener {
 public:
  completion_listener(completion_request request, std::shared_ptr<reply_channel> reply,
                      std::shared_ptr<const x402::paid_request> paid)
      : request_(std::move(request)), reply_(std::move(reply)), paid_(std::move(paid)) {}

  /// A request the actors dropped (the gateway stopping) still gets an answer.
  ~completion_listener() override {
    if (!answered_)
      on_failure({failure_kind::internal, make_error(errc::io_error, "the request was dropped")});
  }

  void on_head(const inference_head& head) override {
    head_ = head_of(request_, head);
    if (!request_.spec.stream)
      return;
    streaming_ = true;
    if (paid_ != nullptr)
      x402::add_payment_response(*paid_, *reply_);
    reply_->start_stream();
    if (request_.api == endpoint::chat)
      reply_->stream(role_event(head_));
  }

  void on_text(std::string text) override {
    AGORA_ASSERT(streaming_);
    reply_->stream(text_event(head_, text));
  }

  void on_final(const inference_final& final) override {
    AGORA_ASSERT(!head_.id.empty());  // on_head came first
    answered_ = true;
    if (!streaming_ && paid_ != nullptr)
      x402::add_payment_response(*paid_, *reply_);
    if (!streaming_)
      return reply_->json(http::status::ok, completion_json(head_, final));
    reply_->stream(finish_event(head_, final.finish_reason));
    if (request_.include_usage)
      reply_->stream(usage_event(head_, final));
    reply_->stream(std::string(done_event));
    reply_->end_stream();
  }

  void on_failure(const inference_failure& failure) override {
    answered_ = true;
    if (failure.kind == failure_kind::payment_refused && paid_ != nullptr && !streaming_)
      return x402::payment_required(paid_->options, paid_->required, failure.why.message, *reply_);
    const api_error e = error_of(failure, request_.spec.model);
    if (!streaming_)
      return reply_->error(e);
    reply_->stream(error_event(e));  // the status went out with the first event
    reply_->end_stream();
  }

 private:
  completion_request request_;
  std::shared_ptr<reply_channel> reply_;
  std::shared_ptr<const x402::paid_request> paid_;  // null: not paid through x402
  response_head head_;
  bool streaming_ = false;
  bool answered_ = false;  // on_final or on_failure ran
};

}  // namespace

route_handler completion_route(caf::actor gateway_actor, endpoint api, request_limits limits,
                               x402::paywall payments) {
  AGORA_ASSERT(gateway_actor != nullptr);
  return [gateway_actor, api, limits, payments](const http_request& request, std::string_view,
                                                std::shared_ptr<reply_channel> reply) {
    completion_request parsed;
    if (auto refused = parse_request(request.body(), api, limits, &parsed))
      return reply->error(*refused);
    std::shared_ptr<const x402::paid_request> paid;
    if (payments.options.enabled) {
      paid = x402::admit(payments, request, parsed.spec, *reply);
      if (paid == nullptr)
        return;  // answered: 402
    }
    inference_spec spec = parsed.spec;
    auto listener =
        std::make_shared<completion_listener>(std::move(parsed), std::move(reply), paid);
    std::shared_ptr<const x402::payment> payment;
    if (paid != nullptr)
      payment = std::shared_ptr<const x402::payment>(paid, &paid->paid);
    caf::anon_send(gateway_actor, infer_atom_v,
                   inference_call{std::move(spec), listener, std::move(payment)});
  };
}

}  // namespace agora::net::gateway::openai
