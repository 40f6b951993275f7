// The embeddings endpoint: one Embedding task per input, gathered into OpenAI's answer
// (embeddings.hpp).
#include "net/gateway/openai/embeddings.hpp"

#include <caf/send.hpp>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "actors/worker/mock_model.hpp"
#include "core/bytes.hpp"
#include "net/gateway/openai/embedding_request.hpp"

namespace agora::net::gateway::openai {

namespace {

/// One HTTP request's inputs in flight. Each input's listener reports here, from any CAF
/// thread, so every member below the mutex is guarded by it; replies and sends happen with it
/// released.
class embedding_batch final : public std::enable_shared_from_this<embedding_batch> {
 public:
  embedding_batch(caf::actor gateway_actor, embedding_request request,
                  std::shared_ptr<reply_channel> reply,
                  std::shared_ptr<const x402::paid_request> paid,
                  std::optional<wire::id128> account)
      : gateway_actor_(std::move(gateway_actor)), request_(std::move(request)),
        reply_(std::move(reply)), paid_(std::move(paid)), account_(account),
        done_(request_.inputs.size()), task_ids_(request_.inputs.size()) {
    remaining_ = request_.inputs.size();
    AGORA_ASSERT(remaining_ > 0);
  }

  /// Without x402 every input runs now; with it the first runs alone and records the payment.
  void start() {
    if (paid_ != nullptr)
      return launch(0, false);
    for (size_t i = 0; i < request_.inputs.size(); ++i)
      launch(i, false);
  }

  void on_head(size_t index, const inference_head& head) {
    std::lock_guard lock(mutex_);
    task_ids_[index] = head.task_id;
  }

  void on_final(size_t index, const inference_final& final) {
    bool answer = false;
    bool launch_rest = false;
    {
      std::lock_guard lock(mutex_);
      if (answered_)
        return;
      AGORA_ASSERT(remaining_ > 0 && !done_[index]);
      done_[index] = embedded_input{final.embedding, final.prompt_tokens};
      --remaining_;
      launch_rest = paid_ != nullptr && index == 0 && request_.inputs.size() > 1;
      answered_ = answer = remaining_ == 0;
    }
    if (launch_rest)
      for (size_t i = 1; i < request_.inputs.size(); ++i)
        launch(i, true);
    if (answer)
      respond();
  }

  void on_failure(const inference_failure& failure) {
    {
      std::lock_guard lock(mutex_);
      if (answered_)
        return;
      answered_ = true;
    }
    if (failure.kind == failure_kind::payment_refused && paid_ != nullptr)
      return x402::payment_required(paid_->options, paid_->required, failure.why.message, *reply_);
    reply_->error(error_of(failure, request_.model));
  }

 private:
  void launch(size_t index, bool deposited);

  /// Every input is in: the answer, unless the values are not of the dimensions asked for.
  void respond() {
    std::vector<embedded_input> inputs;
    std::string ids;
    for (size_t i = 0; i < done_.size(); ++i) {
      AGORA_ASSERT(done_[i].has_value());
      inputs.push_back(std::move(*done_[i]));
      ids += (i == 0 ? "" : ",") + to_hex(task_ids_[i]);
    }
    reply_->add_header("X-Agora-Proof-Ids", ids);
    if (paid_ != nullptr)
      x402::add_payment_response(*paid_, *reply_);
    const uint32_t dims = static_cast<uint32_t>(inputs[0].values.size());
    if (request_.dimensions && *request_.dimensions != dims)
      return reply_->error(invalid_request("This model's embeddings have " + std::to_string(dims) +
                                               " dimensions; 'dimensions' must be that or absent.",
                                           "dimensions", "invalid_value"));
    reply_->json(http::status::ok, embeddings_json(request_.model, inputs, request_.encoding));
  }

  caf::actor gateway_actor_;
  embedding_request request_;
  std::shared_ptr<reply_channel> reply_;
  std::shared_ptr<const x402::paid_request> paid_;  // null: not paid through x402
  std::optional<wire::id128> account_;              // set: this API account pays
  std::mutex mutex_;
  std::vector<std::optional<embedded_input>> done_;  // GUARDED_BY(mutex_), by input
  std::vector<wire::id128> task_ids_;                // GUARDED_BY(mutex_), by input
  size_t remaining_ = 0;                             // GUARDED_BY(mutex_)
  bool answered_ = false;                            // GUARDED_BY(mutex_)
};

/// One input's listener: its callbacks come one at a time, in order.
class input_listener final : public inference_listener {
 public:
  input_listener(std::shared_ptr<embedding_batch> batch, size_t index)
      : batch_(std::move(batch)), index_(index) {}

  /// An input the actors dropped (the gateway stopping) still fails the request.
  ~input_listener() override {
    if (!ended_)
      batch_->on_failure(
          {failure_kind::internal, make_error(errc::io_error, "the request was dropped")});
  }

  void on_head(const inference_head& head) override { batch_->on_head(index_, head); }
  void on_text(std::string) override { AGORA_ASSERT(false && "an embedding streams no text"); }
  void on_final(const inference_final& final) override {
    ended_ = true;
    batch_->on_final(index_, final);
  }
  void on_failure(const inference_failure& failure) override {
    ended_ = true;
    batch_->on_failure(failure);
  }

 private:
  std::shared_ptr<embedding_batch> batch_;
  size_t index_ = 0;
  bool ended_ = false;
};

void embedding_batch::launch(size_t index, bool deposited) {
  AGORA_ASSERT(index < request_.inputs.size());
  std::shared_ptr<const x402::payment> payment;
  if (paid_ != nullptr)
    payment = std::shared_ptr<const x402::payment>(paid_, &paid_->paid);
  inference_call call{request_.inputs[index],
                      std::make_shared<input_listener>(shared_from_this(), index),
                      std::move(payment), deposited, account_};
  caf::anon_send(gateway_actor_, infer_atom_v, std::move(call));
}

/// The worst case of all inputs at the price cap (what one x402 payment must cover), or the
/// refusal when the request cannot be priced.
result<int64_t> worst_case_of(const embedding_request& request, int64_t price_per_million) {
  int64_t sum = 0;
  for (const inference_spec& spec : request.inputs) {
    auto micros = worst_case_micros(price_per_million, spec);
    if (!micros)
      return micros.error();
    sum += *micros;  // ≤ 64 inputs, each under the money limit: no overflow
  }
  AGORA_ASSERT(sum > 0);
  return sum;
}

/// x402: the paid request to serve, or null once it answered (402, or 400 if unpriceable).
std::shared_ptr<const x402::paid_request> admit(const x402::paywall& payments,
                                                const http_request& http,
                                                const embedding_request& request,
                                                reply_channel& reply) {
  auto amount = worst_case_of(request, payments.price_per_million_micros);
  if (!amount) {
    reply.error(invalid_request("The request is too large to price: " + amount.error().message));
    return nullptr;
  }
  const std::string description =
      "Agora embeddings on " + request.model + " of " + std::to_string(request.inputs.size()) +
      " inputs; " + std::to_string(*amount) +
      " micro-units is the worst case (one token per input byte at the price cap). The escrow "
      "charges the real cost and keeps the rest as the payer's credit.";
  return x402::admit_priced(payments, http, *amount, description, reply);
}

}  // namespace

route_handler embeddings_route(caf::actor gateway_actor, x402::paywall payments,
                               accounts::account_gate gate) {
  AGORA_ASSERT(gateway_actor != nullptr);
  return [gateway_actor, payments, gate](const http_request& http, std::string_view,
                                         std::shared_ptr<reply_channel> reply) {
    const accounts::admission caller = accounts::admit(gate, http, *reply);
    if (caller.answered)
      return;  // 401
    embedding_request parsed;
    if (auto refused = parse_embedding_request(http.body(), &parsed))
      return reply->error(*refused);
    // mock-model's dimensions are known before anything is paid for; other models' are
    // checked against the values that come back.
    constexpr uint32_t mock_dims = actors::mock_model::embedding_dims;
    if (parsed.model == actors::mock_model_id && parsed.dimensions &&
        *parsed.dimensions != mock_dims)
      return reply->error(invalid_request("This model's embeddings have " +
                                              std::to_string(mock_dims) +
                                              " dimensions; 'dimensions' must be that or absent.",
                                          "dimensions", "invalid_value"));
    std::shared_ptr<const x402::paid_request> paid;
    if (payments.options.enabled && !caller.account) {
      paid = admit(payments, http, parsed, *reply);
      if (paid == nullptr)
        return;  // answered: 402 or 400
    }
    auto batch = std::make_shared<embedding_batch>(
        gateway_actor, std::move(parsed), std::move(reply), std::move(paid), caller.account);
    batch->start();
  };
}

}  // namespace agora::net::gateway::openai
