// folder_engine: request → prompt ids and options → the model's continuous-batching scheduler,
// stepped on the engine's own thread → chunks per token and one generation per request.
#include "actors/worker/folder_engine.hpp"

#include <future>

#include "kernels/device_info.hpp"

namespace agora::actors {
namespace {

std::string_view dtype_name(kernels::dtype type) {
  switch (type) {
  case kernels::dtype::f32: return "fp32";
  case kernels::dtype::f16: return "fp16";
  case kernels::dtype::bf16: return "bf16";
  }
  return "unknown";
}

wire::FinishReason finish_reason_of(kernels::stop_reason reason) {
  switch (reason) {
  case kernels::stop_reason::stop_sequence:
  case kernels::stop_reason::end_of_text: return wire::FinishReason::Stop;
  case kernels::stop_reason::max_tokens:
  case kernels::stop_reason::context_full: return wire::FinishReason::Length;
  }
  return wire::FinishReason::None;
}

kernels::generate_options options_of(const sampling_params& s) {
  kernels::generate_options o;
  o.max_tokens = s.max_tokens;
  o.sampling.temperature = s.temperature;
  o.sampling.top_p = s.top_p;
  o.sampling.top_k = s.top_k;
  o.sampling.seed = s.seed;
  o.stop = s.stop;
  o.top_logprobs = s.top_logprobs;
  return o;
}

/// A sampled step as the wire reports it: token texts decoded alone.
token_logprobs logprobs_of(const kernels::tokenizer& tokens, const kernels::sampled_token& step) {
  auto text = [&tokens](uint32_t id) { return tokens.decode({&id, 1}, false); };
  token_logprobs out{{text(step.token_id), step.logprob}, {}};
  for (const kernels::token_logprob& top : step.top)
    out.top.push_back({text(top.token_id), top.logprob});
  return out;
}

/// The generation of a finished run; each chunk carries its token's logprobs when asked.
generation generation_of(uint64_t request_id, const kernels::generated& ran,
                         const sampling_params& sampling, const kernels::tokenizer& tokens) {
  generation g;
  g.request_id = request_id;
  g.token_ids = ran.completion_ids;
  g.text = ran.text;
  g.finish_reason = finish_reason_of(ran.reason);
  g.prompt_tokens = static_cast<uint32_t>(ran.prompt_ids.size());
  g.completion_tokens = static_cast<uint32_t>(ran.completion_ids.size());
  AGORA_ASSERT(ran.pieces.size() == g.token_ids.size());
  AGORA_ASSERT(ran.steps.size() == g.token_ids.size());
  for (uint32_t i = 0; i < g.token_ids.size(); ++i) {
    g.chunks.push_back(generation_chunk{request_id, i, {g.token_ids[i]}, ran.pieces[i], {}});
    if (sampling.logprobs || sampling.top_logprobs > 0)
      g.chunks.back().logprobs.push_back(logprobs_of(tokens, ran.steps[i]));
  }
  return g;
}

}  // namespace

kernels::scheduler_limits folder_scheduler_limits() {
  kernels::scheduler_limits limits;
  limits.requests_max = 4096;
  return limits;
}

result<std::shared_ptr<folder_engine>> folder_engine::load(const std::filesystem::path& folder,
                                                           kernels::backend_choice choice,
                                                           kernels::scheduler_limits limits) {
  auto model = kernels::model_engine::load(folder, choice);
  if (!model)
    return model.error();
  return std::shared_ptr<folder_engine>(new folder_engine(std::move(*model), limits));
}

folder_engine::folder_engine(std::unique_ptr<kernels::model_engine> model,
                             kernels::scheduler_limits limits)
    : model_(std::move(model)) {
  AGORA_ASSERT(model_ != nullptr);
  info_.id = model_->id();
  info_.max_context = model_->config().max_positions;
  info_.quantization = dtype_name(model_->config().weight_dtype);
  info_.weights_hash = model_->weights_hash();
  info_.served_by.backend =
      model_->backend_name() == "cuda" ? wire::Backend::Cuda : wire::Backend::Cpu;
  info_.served_by.device = kernels::query_host().cpu_model.substr(0, 120);
  info_.served_by.engine_version = "agora-engine 1 (" + std::string(model_->backend_name()) + ")";
  info_.served_by.deterministic = true;  // fixed reduction order: same request, same tokens
  scheduler_ = model_->make_scheduler(limits);
  AGORA_ASSERT(scheduler_ != nullptr);
  thread_ = std::thread([this] { loop(); });
}

folder_engine::~folder_engine() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  AGORA_ASSERT(thread_.joinable());
  thread_.join();
  AGORA_ASSERT(live_.empty());  // drain ended every request
}

std::vector<model_info> folder_engine::models() const {
  return {info_};
}

std::vector<uint32_t> folder_engine::prompt_ids(const generation_request& request) const {
  if (!request.messages.empty()) {
    std::vector<kernels::role_content> messages;
    for (const auto& m : request.messages)
      messages.emplace_back(m.role, m.content);
    return model_->encode_chat(messages);
  }
  if (!request.prompt.empty())
    return model_->encode_prompt(request.prompt);
  return request.prompt_token_ids;
}

result<generation> folder_engine::embed(uint64_t request_id, std::span<const uint32_t> ids) {
  auto values = model_->embed(ids);
  if (!values)
    return values.error();
  generation g;
  g.request_id = request_id;
  g.prompt_tokens = static_cast<uint32_t>(ids.size());
  g.embedding = std::move(*values);
  return g;
}

// Runs under an id of its own (top bit set), so that it never collides with the ids of the
// requests a worker started on the same engine; the caller's id comes back in the result.
result<generation> folder_engine::generate(const generation_request& request) {
  generation_request own = request;
  own.id = (uint64_t{1} << 63) | generate_calls_.fetch_add(1);
  std::promise<result<generation>> outcome;
  auto on_done = [&outcome](result<generation> done) { outcome.set_value(std::move(done)); };
  if (auto st = start(
          own, [](generation_chunk) {}, on_done);
      !st)
    return st.error();
  result<generation> g = outcome.get_future().get();
  if (!g)
    return g;
  g->request_id = request.id;
  for (generation_chunk& c : g->chunks)
    c.request_id = request.id;
  return g;
}

status folder_engine::start(const generation_request& request, chunk_callback on_chunk,
                            done_callback on_done) {
  AGORA_ASSERT(on_chunk != nullptr);
  AGORA_ASSERT(on_done != nullptr);
  if (request.model != info_.id)
    return make_error(errc::not_found, "model '" + request.model + "' is not served here");
  std::vector<uint32_t> prompt = prompt_ids(request);
  if (request.kind == request_kind::generate)
    return start_generation(request, std::move(prompt), std::move(on_chunk), std::move(on_done));
  std::lock_guard lock(mutex_);
  AGORA_ASSERT(!stopping_);  // the caller holds the engine: it is not being destroyed
  if (!live_.insert(request.id).second)
    return make_error(errc::already_exists, "request " + std::to_string(request.id) +
                                                " is already running on this engine");
  embeds_.push_back(embed_job{request.id, std::move(prompt), std::move(on_done)});
  wake_.notify_one();
  return {};
}

status folder_engine::start_generation(const generation_request& request,
                                       std::vector<uint32_t> prompt, chunk_callback on_chunk,
                                       done_callback on_done) {
  const uint64_t id = request.id;
  {
    std::lock_guard lock(mutex_);
    AGORA_ASSERT(!stopping_);
    if (!live_.insert(id).second)
      return make_error(errc::already_exists,
                        "request " + std::to_string(id) + " is already running on this engine");
  }
  kernels::request_callbacks callbacks;
  callbacks.on_token = [id, on_chunk = std::move(on_chunk),
                        index = uint32_t{0}](uint32_t token, std::string_view piece) mutable {
    on_chunk(generation_chunk{id, index++, {token}, std::string(piece)});
  };
  callbacks.on_done = [this, id, sampling = request.sampling,
                       on_done = std::move(on_done)](result<kernels::generated> ran) {
    ended(id, on_done,
          ran ? result<generation>(generation_of(id, *ran, sampling, model_->tokens()))
              : ran.error());
  };
  auto submitted =
      scheduler_->submit(id, prompt, options_of(request.sampling), std::move(callbacks));
  std::lock_guard lock(mutex_);
  if (!submitted) {
    live_.erase(id);
    return submitted.error();
  }
  submitted_ = true;
  wake_.notify_one();
  return {};
}

void folder_engine::cancel(uint64_t request_id) {
  (void)scheduler_->cancel(request_id);  // an embedding, or an id not held: nothing to do
}

void folder_engine::ended(uint64_t id, const done_callback& on_done, result<generation> outcome) {
  bool stopping = false;
  {
    std::lock_guard lock(mutex_);
    AGORA_ASSERT(live_.contains(id));
    live_.erase(id);
    stopping = stopping_;
  }
  if (stopping && !outcome)
    outcome = make_error(errc::io_error, "the engine of model '" + info_.id +
                                             "' shut down with request " + std::to_string(id) +
                                             " in flight");
  on_done(std::move(outcome));
}

// ------------------------------------------------------------------------------------------------
// The stepping thread

void folder_engine::loop() {
  bool busy = false;  // the scheduler holds requests: step again without waiting
  for (;;) {
    std::deque<embed_job> embeds;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || busy || submitted_ || !embeds_.empty(); });
      if (stopping_)
        break;
      submitted_ = false;
      embeds.swap(embeds_);
    }
    for (embed_job& job : embeds)
      ended(job.request_id, job.on_done, embed(job.request_id, job.ids));
    busy = scheduler_->step();
  }
  drain();
}

void folder_engine::drain() {
  std::vector<uint64_t> ids;
  std::deque<embed_job> embeds;
  {
    std::lock_guard lock(mutex_);
    AGORA_ASSERT(stopping_);
    ids.assign(live_.begin(), live_.end());
    embeds.swap(embeds_);
  }
  for (embed_job& job : embeds)
    ended(job.request_id, job.on_done, make_error(errc::io_error, "shut down"));
  for (uint64_t id : ids)
    (void)scheduler_->cancel(id);  // false for the embeddings just ended
  scheduler_->run_until_idle();    // the cancels end every request at the first step
  std::lock_guard lock(mutex_);
  AGORA_ASSERT(live_.empty());
}

}  // namespace agora::actors
