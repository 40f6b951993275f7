// The completion endpoints and the listener that turns an inference into OpenAI's answer
// (completions.hpp).
#include "net/gateway/openai/completions.hpp"

#include <caf/send.hpp>

#include "core/keccak.hpp"
#include "net/gateway/openai/response.hpp"
#include "net/gateway/proofs/body_digest.hpp"

namespace agora::net::gateway::openai {

namespace {

/// Answers one request from the actors' callbacks; they come one at a time, in order.
class completion_listener final : public inference_listener {
 public:
  completion_listener(completion_request request, std::shared_ptr<reply_channel> reply,
                      std::shared_ptr<const x402::paid_request> paid, const hash256& request_sha256)
      : request_(std::move(request)), reply_(std::move(reply)), paid_(std::move(paid)),
        request_sha256_(request_sha256) {}

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
      send_event(role_event(head_));
  }

  void on_logprobs(std::vector<actors::token_logprobs> entries) override {
    pending_logprobs_.insert(pending_logprobs_.end(), std::make_move_iterator(entries.begin()),
                             std::make_move_iterator(entries.end()));
  }

  void on_text(std::string text) override {
    AGORA_ASSERT(streaming_);
    send_event(text_event(head_, text, {pending_logprobs_, logprobs_offset_}));
    for (const actors::token_logprobs& e : pending_logprobs_)
      logprobs_offset_ += characters_of(e.chosen.token);
    pending_logprobs_.clear();
  }

  void on_final(const inference_final& final) override {
    AGORA_ASSERT(!head_.id.empty());  // on_head came first
    answered_ = true;
    if (!streaming_ && paid_ != nullptr)
      x402::add_payment_response(*paid_, *reply_);
    if (!streaming_) {
      std::string body = completion_json(head_, final);
      response_digest_.add(body);
      attest(final);  // before the client can see the answer and ask for its signature
      return reply_->json(http::status::ok, std::move(body));
    }
    send_event(finish_event(head_, final.finish_reason));
    if (request_.include_usage)
      send_event(usage_event(head_, final));
    response_digest_.add(done_event);
    attest(final);
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
  /// Sends one server-sent event of the answer, hashing it into the response body.
  void send_event(std::string event) {
    response_digest_.add(event);
    reply_->stream(std::move(event));
  }

  /// Asks the provider to sign the request and response bodies (GET /signature/{id}).
  void attest(const inference_final& final) {
    if (final.attest_bodies)
      final.attest_bodies(request_sha256_, response_digest_.finish());
  }

  completion_request request_;
  std::shared_ptr<reply_channel> reply_;
  std::shared_ptr<const x402::paid_request> paid_;  // null: not paid through x402
  response_head head_;
  bool streaming_ = false;
  bool answered_ = false;                                 // on_final or on_failure ran
  std::vector<actors::token_logprobs> pending_logprobs_;  // for the next text event
  size_t logprobs_offset_ = 0;   // characters of the tokens streamed before: text_offset
  hash256 request_sha256_;       // of the request body as received
  body_digest response_digest_;  // of the response body as sent
};

}  // namespace

route_handler completion_route(caf::actor gateway_actor, endpoint api, request_limits limits,
                               x402::paywall payments, accounts::account_gate gate) {
  AGORA_ASSERT(gateway_actor != nullptr);
  return [gateway_actor, api, limits, payments, gate](const http_request& request, std::string_view,
                                                      std::shared_ptr<reply_channel> reply) {
    const accounts::admission caller = accounts::admit(gate, request, *reply);
    if (caller.answered)
      return;  // 401
    completion_request parsed;
    if (auto refused = parse_request(request.body(), api, limits, &parsed))
      return reply->error(*refused);
    std::shared_ptr<const x402::paid_request> paid;
    if (payments.options.enabled && !caller.account) {
      paid = x402::admit(payments, request, parsed.spec, *reply);
      if (paid == nullptr)
        return;  // answered: 402
    }
    inference_spec spec = parsed.spec;
    auto cancel = std::make_shared<inference_cancel>();  // the client may leave mid-answer
    reply->on_gone([cancel] { cancel->cancel(); });
    auto listener = std::make_shared<completion_listener>(std::move(parsed), std::move(reply), paid,
                                                          sha256(as_bytes(request.body())));
    std::shared_ptr<const x402::payment> payment;
    if (paid != nullptr)
      payment = std::shared_ptr<const x402::payment>(paid, &paid->paid);
    inference_call call{std::move(spec), listener, std::move(payment), false, caller.account};
    call.cancel = std::move(cancel);
    caf::anon_send(gateway_actor, infer_atom_v, std::move(call));
  };
}

}  // namespace agora::net::gateway::openai
