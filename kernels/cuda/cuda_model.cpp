// The forward pass on the GPU (kernels/cuda/cuda_model.hpp). Per layer, over the step's rows:
//   norm(x) → qkv GEMM → bias + RoPE + KV append → attention → x += out GEMM
//   norm(x) → mlp_in GEMM → GELU / SwiGLU → x += mlp_out GEMM
// with GPT-2's output-projection biases folded into the next norm. Shapes (rows_max_ rows):
// x (R, C) fp32, normed (R, C) 16-bit, qkv (R, NH·D + 2·KVH·D) fp32, q (R, NH·D) fp32,
// att (R, NH·D) 16-bit, mlp_in (R, F | 2F) fp32, mlp_act (R, F) 16-bit, final (64, C) 16-bit,
// logits (64, V) fp32.
#include "kernels/cuda/cuda_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "kernels/cuda/activations.hpp"
#include "kernels/cuda/embedding.hpp"
#include "kernels/cuda/norms.hpp"
#include "kernels/cuda/rope.hpp"
#include "kernels/model/json_file.hpp"

namespace agora::kernels::cuda {

struct cuda_model::step {
  uint32_t rows = 0;       // live rows
  uint32_t gemm_rows = 0;  // M of every GEMM: rows (prefill) or cuda_decode_rows_max (decode)
  bool prefill = false;    // rows are positions first.. of one sequence
  uint32_t first = 0;
};

namespace {

constexpr size_t half_bytes = 2;
constexpr uint32_t prefill_rows_limit = 8192;
constexpr int decode_splits_target = 64;
constexpr int decode_split_len_min = 256, decode_split_len_max = 8192;

result<device_buffer> scratch(size_t bytes, const char* what) {
  auto buffer = device_buffer::allocate(bytes);
  if (!buffer)
    return make_error(buffer.error().code,
                      std::string("scratch ") + what + ": " + buffer.error().message);
  AGORA_CUDA_CHECK(cudaMemset(buffer->get(), 0, bytes));  // pad rows read as zeros, never NaN
  return std::move(*buffer);
}

template <class T>
status pinned(T** out, size_t count) {
  AGORA_CUDA_CHECK(cudaMallocHost(reinterpret_cast<void**>(out), count * sizeof(T)));
  return {};
}

uint32_t mlp_in_width(const model_config& c) {
  return c.intermediate_size * (c.arch == architecture::llama ? 2 : 1);
}

}  // namespace

result<std::unique_ptr<cuda_model>> cuda_model::create(const model_config& config,
                                                       cuda_model_weights weights,
                                                       const cuda_backend_options& options,
                                                       int device) {
  if (!attention_supports(static_cast<int>(config.head_dim)))
    return make_error(errc::unsupported, "head_dim " + std::to_string(config.head_dim) +
                                             " (the CUDA attention kernels take 16, 32, 64, 128)");
  auto model = std::make_unique<cuda_model>();
  model->config_ = config;
  model->weights_ = std::move(weights);
  model->device_ = device;
  model->graphs_ = options.decode_graphs;
  model->tensor_core_prefill_ = options.tensor_core_prefill && attention_prefill_mma_available();
  model->decode_graphs_.assign(cuda_decode_rows_max, nullptr);
  model->decode_seen_.assign(cuda_decode_rows_max, 0);
  AGORA_CUDA_CHECK(cudaSetDevice(device));
  AGORA_CUDA_CHECK(cudaStreamCreateWithFlags(&model->stream_, cudaStreamNonBlocking));
  auto gemm = gemm_runner::create(model->stream_);
  if (!gemm)
    return gemm.error();
  model->gemm_ = std::move(*gemm);
  AGORA_CUDA_TRY(model->allocate(options));
  AGORA_CUDA_TRY(model->allocate_kv(options));
  // The uploads and memsets ran on the legacy stream, which a non-blocking stream does not
  // wait for: finish them before the first step.
  AGORA_CUDA_CHECK(cudaDeviceSynchronize());
  return model;
}

cuda_model::~cuda_model() {
  if (stream_ != nullptr)
    cudaStreamSynchronize(stream_);  // nothing may still use the buffers freed below
  for (cudaGraphExec_t exec : decode_graphs_)
    if (exec != nullptr)
      cudaGraphExecDestroy(exec);
  gemm_.reset();
  if (stream_ != nullptr)
    cudaStreamDestroy(stream_);
  for (void* host : {static_cast<void*>(host_tokens_), static_cast<void*>(host_rows_),
                     static_cast<void*>(host_table_), static_cast<void*>(host_logits_)})
    if (host != nullptr)
      cudaFreeHost(host);
}

status cuda_model::allocate(const cuda_backend_options& options) {
  const model_config& c = config_;
  prefill_rows_max_ =
      std::clamp(options.prefill_rows_max, cuda_decode_rows_max, prefill_rows_limit);
  rows_max_ = prefill_rows_max_;
  const size_t R = rows_max_, C = c.hidden_size, V = c.vocab_size;
  const size_t Q = size_t{c.heads} * c.head_dim, KV = size_t{c.kv_heads} * c.head_dim;
  const uint32_t blocks_per_sequence = (c.max_positions + kv_block_size - 1) / kv_block_size;
  table_max_ = cuda_decode_rows_max * blocks_per_sequence;
  const uint32_t P = c.max_positions;
  decode_.split_len =
      std::max<int>(decode_split_len_min,
                    static_cast<int>((P + decode_splits_target - 1) / decode_splits_target));
  if (decode_.split_len > decode_split_len_max)
    return make_error(errc::unsupported, std::to_string(P) + " positions are too many to split");
  decode_.splits_max = static_cast<int>((P + decode_.split_len - 1) / decode_.split_len);
  AGORA_KERNELS_ASSIGN(x_, scratch(R * C * 4, "x"));
  AGORA_KERNELS_ASSIGN(normed_, scratch(R * C * half_bytes, "normed"));
  AGORA_KERNELS_ASSIGN(qkv_, scratch(R * (Q + 2 * KV) * 4, "qkv"));
  AGORA_KERNELS_ASSIGN(q_, scratch(R * Q * 4, "q"));
  AGORA_KERNELS_ASSIGN(att_, scratch(R * Q * half_bytes, "att"));
  AGORA_KERNELS_ASSIGN(mlp_in_, scratch(R * mlp_in_width(c) * 4, "mlp_in"));
  AGORA_KERNELS_ASSIGN(mlp_act_, scratch(R * c.intermediate_size * half_bytes, "mlp_act"));
  AGORA_KERNELS_ASSIGN(final_, scratch(cuda_decode_rows_max * C * half_bytes, "final"));
  AGORA_KERNELS_ASSIGN(logits_, scratch(cuda_decode_rows_max * V * 4, "logits"));
  AGORA_KERNELS_ASSIGN(partial_, scratch(size_t{cuda_decode_rows_max} * c.heads *
                                             decode_.splits_max * (c.head_dim + 2) * 4,
                                         "attention partials"));
  decode_.partial = partial_.as<float>();
  AGORA_KERNELS_ASSIGN(step_tokens_, scratch(R * sizeof(int32_t), "tokens"));
  AGORA_KERNELS_ASSIGN(step_rows_, scratch(R * sizeof(row_info), "rows"));
  AGORA_KERNELS_ASSIGN(step_table_, scratch(table_max_ * sizeof(int32_t), "block table"));
  AGORA_CUDA_TRY(pinned(&host_tokens_, R));
  AGORA_CUDA_TRY(pinned(&host_rows_, R));
  AGORA_CUDA_TRY(pinned(&host_table_, table_max_));
  AGORA_CUDA_TRY(pinned(&host_logits_, cuda_decode_rows_max * V));
  return {};
}

status cuda_model::allocate_kv(const cuda_backend_options& options) {
  layout_ = kv_layout{static_cast<int32_t>(config_.layers), static_cast<int32_t>(config_.kv_heads),
                      static_cast<int32_t>(config_.head_dim), kv_block_size};
  const uint64_t block_bytes = layout_.block_elements() * half_bytes;
  uint64_t bytes = options.kv_cache_bytes;
  if (bytes == 0) {
    size_t free = 0, total = 0;
    AGORA_CUDA_CHECK(cudaMemGetInfo(&free, &total));
    bytes = std::min<uint64_t>(free / 2, cuda_kv_cache_bytes_default_max);
  }
  const uint64_t blocks = std::min<uint64_t>(bytes / block_bytes, INT32_MAX);
  if (blocks == 0)
    return make_error(errc::limit_exceeded, std::to_string(bytes) + " bytes of KV cache hold no " +
                                                std::to_string(block_bytes) + "-byte block");
  AGORA_KERNELS_ASSIGN(kv_pool_, scratch(blocks * block_bytes, "KV cache"));
  pool_ = std::make_shared<kv_block_pool>(static_cast<uint32_t>(blocks));
  return {};
}

status cuda_model::upload_step(std::span<const uint32_t> tokens, std::span<const row_info> rows,
                               std::span<const int32_t> table) {
  AGORA_ASSERT(tokens.size() == rows.size());
  AGORA_ASSERT(tokens.size() <= rows_max_);
  AGORA_ASSERT(table.size() <= table_max_);
  // The pinned buffers may still feed the copies of a step that failed halfway: wait for them
  // (after a step that completed this returns at once).
  AGORA_CUDA_CHECK(cudaStreamSynchronize(stream_));
  for (size_t i = 0; i < tokens.size(); ++i)
    host_tokens_[i] = static_cast<int32_t>(tokens[i]);
  std::copy(rows.begin(), rows.end(), host_rows_);
  std::copy(table.begin(), table.end(), host_table_);
  AGORA_CUDA_CHECK(cudaMemcpyAsync(step_tokens_.get(), host_tokens_, tokens.size() * 4,
                                   cudaMemcpyHostToDevice, stream_));
  AGORA_CUDA_CHECK(cudaMemcpyAsync(step_rows_.get(), host_rows_, rows.size() * sizeof(row_info),
                                   cudaMemcpyHostToDevice, stream_));
  AGORA_CUDA_CHECK(cudaMemcpyAsync(step_table_.get(), host_table_, table.size() * 4,
                                   cudaMemcpyHostToDevice, stream_));
  return {};
}

status cuda_model::run_layers(const step& s) {
  AGORA_ASSERT(s.rows > 0 && s.rows <= s.gemm_rows);
  AGORA_ASSERT(s.gemm_rows <= rows_max_);
  AGORA_CUDA_TRY(embedding_forward(x_.as<float>(), step_tokens_.as<int32_t>(),
                                   step_rows_.as<row_info>(), weights_.token_embedding.get(),
                                   weights_.position_embedding.get(), s.rows, config_.hidden_size,
                                   weights_.type, stream_));
  for (uint32_t layer = 0; layer < config_.layers; ++layer) {
    AGORA_CUDA_TRY(attention_block(layer, s));
    AGORA_CUDA_TRY(mlp_block(layer, s));
  }
  return {};
}

status cuda_model::attention_block(uint32_t layer, const step& s) {
  const model_config& c = config_;
  const cuda_layer_weights& w = weights_.layers[layer];
  const int C = c.hidden_size, Q = c.heads * c.head_dim, KV = c.kv_heads * c.head_dim;
  const int rows = s.rows, M = s.gemm_rows;
  const float* pending = layer == 0 ? nullptr : weights_.layers[layer - 1].mlp_out_bias.as<float>();
  const norm_params norm{c.arch == architecture::gpt2 ? norm_kind::layer : norm_kind::rms,
                         w.norm1_weight.as<float>(), w.norm1_bias.as<float>(), pending, c.norm_eps};
  AGORA_CUDA_TRY(
      norm_forward(normed_.get(), x_.as<float>(), norm, rows, C, weights_.type, stream_));
  AGORA_CUDA_TRY(gemm_->linear_forward(qkv_.as<float>(), normed_.get(), w.qkv.get(), M, Q + 2 * KV,
                                       C, gemm_output::overwrite, weights_.type));
  const qkv_params qkv{static_cast<int>(c.heads),    static_cast<int>(c.kv_heads),
                       static_cast<int>(c.head_dim), w.qkv_bias.as<float>(),
                       weights_.rope.as<float2>(),   static_cast<int>(layer)};
  AGORA_CUDA_TRY(qkv_rope_forward(q_.as<float>(), qkv_.as<float>(), kv_pool_.get(), layout_,
                                  step_rows_.as<row_info>(), step_table_.as<int32_t>(), qkv, rows,
                                  weights_.type, stream_));
  const attention_params ap{static_cast<int>(c.heads), static_cast<int>(c.kv_heads),
                            static_cast<int>(c.head_dim), static_cast<int>(layer),
                            1.0f / std::sqrt(static_cast<float>(c.head_dim))};
  if (s.prefill && tensor_core_prefill_)
    AGORA_CUDA_TRY(attention_prefill_mma_forward(
        att_.get(), q_.as<float>(), kv_pool_.get(), layout_, step_table_.as<int32_t>(),
        static_cast<int>(s.first), rows, ap, weights_.type, stream_));
  else if (s.prefill)
    AGORA_CUDA_TRY(attention_prefill_forward(att_.get(), q_.as<float>(), kv_pool_.get(), layout_,
                                             step_table_.as<int32_t>(), static_cast<int>(s.first),
                                             rows, ap, weights_.type, stream_));
  else
    AGORA_CUDA_TRY(attention_decode_forward(att_.get(), q_.as<float>(), kv_pool_.get(), layout_,
                                            step_rows_.as<row_info>(), step_table_.as<int32_t>(),
                                            decode_, rows, ap, weights_.type, stream_));
  return gemm_->linear_forward(x_.as<float>(), att_.get(), w.attn_out.get(), M, C, Q,
                               gemm_output::accumulate, weights_.type);
}

status cuda_model::mlp_block(uint32_t layer, const step& s) {
  const model_config& c = config_;
  const cuda_layer_weights& w = weights_.layers[layer];
  const int C = c.hidden_size, F = c.intermediate_size, rows = s.rows, M = s.gemm_rows;
  const norm_params norm{c.arch == architecture::gpt2 ? norm_kind::layer : norm_kind::rms,
                         w.norm2_weight.as<float>(), w.norm2_bias.as<float>(),
                         w.attn_out_bias.as<float>(), c.norm_eps};
  AGORA_CUDA_TRY(
      norm_forward(normed_.get(), x_.as<float>(), norm, rows, C, weights_.type, stream_));
  AGORA_CUDA_TRY(gemm_->linear_forward(mlp_in_.as<float>(), normed_.get(), w.mlp_in.get(), M,
                                       static_cast<int>(mlp_in_width(c)), C, gemm_output::overwrite,
                                       weights_.type));
  if (c.arch == architecture::gpt2)
    AGORA_CUDA_TRY(gelu_forward(mlp_act_.get(), mlp_in_.as<float>(), w.mlp_in_bias.as<float>(),
                                rows, F, weights_.type, stream_));
  else
    AGORA_CUDA_TRY(
        swiglu_forward(mlp_act_.get(), mlp_in_.as<float>(), rows, F, weights_.type, stream_));
  return gemm_->linear_forward(x_.as<float>(), mlp_act_.get(), w.mlp_out.get(), M, C, F,
                               gemm_output::accumulate, weights_.type);
}

norm_params cuda_model::final_norm_params() const {
  const bool gpt2 = config_.arch == architecture::gpt2;
  return {gpt2 ? norm_kind::layer : norm_kind::rms, weights_.final_norm_weight.as<float>(),
          weights_.final_norm_bias.as<float>(), weights_.layers.back().mlp_out_bias.as<float>(),
          config_.norm_eps};
}

// logits (64, V) = final (64, C) · lm_headᵀ, always at M = 64 (gemm.hpp: batch invariance).
status cuda_model::lm_head_gemm() {
  return gemm_->linear_forward(logits_.as<float>(), final_.get(), weights_.lm_head_weights(),
                               cuda_decode_rows_max, static_cast<int>(config_.vocab_size),
                               static_cast<int>(config_.hidden_size), gemm_output::overwrite,
                               weights_.type);
}

// The first `rows` rows of the logits into the pinned host buffer; waits for the stream.
status cuda_model::logits_to_host(uint32_t rows) {
  AGORA_ASSERT(rows > 0 && rows <= cuda_decode_rows_max);
  AGORA_CUDA_CHECK(cudaMemcpyAsync(host_logits_, logits_.get(),
                                   size_t{rows} * config_.vocab_size * sizeof(float),
                                   cudaMemcpyDeviceToHost, stream_));
  AGORA_CUDA_CHECK(cudaStreamSynchronize(stream_));
  return {};
}

status cuda_model::prefill(std::span<const int32_t> blocks, std::span<const uint32_t> tokens,
                           uint32_t first, std::span<float> logits, std::span<float> hidden) {
  const uint32_t T = static_cast<uint32_t>(tokens.size()), C = config_.hidden_size;
  AGORA_ASSERT(T > 0 && T <= prefill_rows_max_);
  AGORA_ASSERT(uint64_t{blocks.size()} * kv_block_size >= uint64_t{first} + T);
  AGORA_ASSERT(hidden.empty() ? logits.size() == config_.vocab_size
                              : hidden.size() == size_t{T} * C);
  AGORA_CUDA_CHECK(cudaSetDevice(device_));
  std::vector<row_info> rows(T);
  for (uint32_t t = 0; t < T; ++t)
    rows[t] = row_info{static_cast<int32_t>(first + t), 0};
  AGORA_CUDA_TRY(upload_step(tokens, rows, blocks));
  AGORA_CUDA_TRY(run_layers(step{T, T, true, first}));
  if (!hidden.empty()) {
    AGORA_CUDA_TRY(
        norm_forward_f32(x_.as<float>(), x_.as<float>(), final_norm_params(), T, C, stream_));
    AGORA_CUDA_CHECK(cudaMemcpyAsync(hidden.data(), x_.get(), hidden.size() * sizeof(float),
                                     cudaMemcpyDeviceToHost, stream_));
    AGORA_CUDA_CHECK(cudaStreamSynchronize(stream_));
    return {};
  }
  // Only the last row's logits are wanted: normalise it alone into row 0 of `final`.
  AGORA_CUDA_TRY(norm_forward(final_.get(), x_.as<float>() + size_t{T - 1} * C, final_norm_params(),
                              1, C, weights_.type, stream_));
  AGORA_CUDA_TRY(lm_head_gemm());
  AGORA_CUDA_TRY(logits_to_host(1));
  std::copy(host_logits_, host_logits_ + config_.vocab_size, logits.begin());
  return {};
}

status cuda_model::decode(std::span<const decode_row> rows) {
  const uint32_t N = static_cast<uint32_t>(rows.size()), V = config_.vocab_size;
  AGORA_ASSERT(N > 0 && N <= cuda_decode_rows_max);
  AGORA_CUDA_CHECK(cudaSetDevice(device_));
  std::vector<uint32_t> tokens(N);
  std::vector<row_info> infos(N);
  std::vector<int32_t> table;
  for (uint32_t n = 0; n < N; ++n) {
    AGORA_ASSERT(uint64_t{rows[n].blocks.size()} * kv_block_size > rows[n].position);
    AGORA_ASSERT(rows[n].logits.size() == V);
    tokens[n] = rows[n].token;
    infos[n] = row_info{static_cast<int32_t>(rows[n].position), static_cast<int32_t>(table.size())};
    table.insert(table.end(), rows[n].blocks.begin(), rows[n].blocks.end());
  }
  AGORA_CUDA_TRY(upload_step(tokens, infos, table));  // outside any graph: new data each step
  // The first step of each row count runs eagerly (cuBLAS and the module loader do their lazy
  // set-up outside any capture); the second captures it.
  cudaGraphExec_t& exec = decode_graphs_[N - 1];
  if (graphs_ && exec == nullptr && decode_seen_[N - 1] && !capture_decode(N, &exec))
    graphs_ = false;  // this stream or driver cannot capture: run eagerly from now on
  decode_seen_[N - 1] = 1;
  if (graphs_ && exec != nullptr)
    AGORA_CUDA_CHECK(cudaGraphLaunch(exec, stream_));
  else
    AGORA_CUDA_TRY(decode_kernels(N));
  AGORA_CUDA_TRY(logits_to_host(N));
  for (uint32_t n = 0; n < N; ++n)
    std::copy(host_logits_ + size_t{n} * V, host_logits_ + size_t{n + 1} * V,
              rows[n].logits.begin());
  return {};
}

// Everything of a decode step between the upload and the logits' download: the work a graph
// captures. Reads the step's tokens, rows and block table from their fixed device buffers.
status cuda_model::decode_kernels(uint32_t rows) {
  const uint32_t C = config_.hidden_size;
  // The pad rows [rows, 64) of the residual stream take part in the GEMMs: keep them at zero.
  AGORA_CUDA_CHECK(cudaMemsetAsync(x_.as<float>() + size_t{rows} * C, 0,
                                   size_t{cuda_decode_rows_max - rows} * C * sizeof(float),
                                   stream_));
  AGORA_CUDA_TRY(run_layers(step{rows, cuda_decode_rows_max, false, 0}));
  AGORA_CUDA_TRY(norm_forward(final_.get(), x_.as<float>(), final_norm_params(), rows, C,
                              weights_.type, stream_));
  return lm_head_gemm();
}

// Records decode_kernels(rows) into a graph. Capture always ends, even when a launch fails.
status cuda_model::capture_decode(uint32_t rows, cudaGraphExec_t* exec) {
  AGORA_ASSERT(*exec == nullptr);
  AGORA_CUDA_CHECK(cudaStreamBeginCapture(stream_, cudaStreamCaptureModeThreadLocal));
  const status recorded = decode_kernels(rows);
  cudaGraph_t graph = nullptr;
  const cudaError_t ended = cudaStreamEndCapture(stream_, &graph);
  if (!recorded) {
    if (graph != nullptr)
      cudaGraphDestroy(graph);
    return recorded;
  }
  AGORA_CUDA_CHECK(ended);
  const cudaError_t instantiated = cudaGraphInstantiate(exec, graph, 0);
  cudaGraphDestroy(graph);
  AGORA_CUDA_CHECK(instantiated);
  return {};
}

}  // namespace agora::kernels::cuda
