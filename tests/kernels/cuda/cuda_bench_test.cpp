// Throughput of the CUDA backend on synthetic models of real shapes (random bf16 weights, so no
// checkpoint has to reach the GPU host): TinyLlama-1.1B batch-1 and batch-32 decode and a
// 1,024-token prefill, and GPT-2 124M batch-1 decode. Disabled by default (they write ~2.5 GB
// to the temp dir and take a minute); run on the GPU host with
//   cuda_tests --gtest_also_run_disabled_tests --gtest_filter='cuda_bench.*'
// Timing uses CUDA events around synchronous steps, so it is wall time including host work.
#ifdef AGORA_WITH_CUDA

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "kernels/cuda/cuda_backend.hpp"
#include "tests/kernels/cuda/cuda_test_util.hpp"
#include "tests/kernels/model_test_files.hpp"

namespace agora::kernels {
namespace {

namespace json = boost::json;

struct tensor_spec {
  std::string name;
  std::vector<uint64_t> shape;
  bool ones = false;  // norm weights
};

// Writes model.safetensors of random bf16 values (uniform ±0.03; norms 1) tensor by tensor.
void write_random_safetensors(const std::filesystem::path& path,
                              const std::vector<tensor_spec>& specs) {
  json::object header;
  uint64_t offset = 0;
  for (const tensor_spec& s : specs) {
    uint64_t count = 1;
    for (uint64_t d : s.shape)
      count *= d;
    header[s.name] = {{"dtype", "BF16"},
                      {"shape", json::array(s.shape.begin(), s.shape.end())},
                      {"data_offsets", {offset, offset + 2 * count}}};
    offset += 2 * count;
  }
  const std::string text = json::serialize(header);
  std::ofstream out(path, std::ios::binary);
  const uint64_t length = text.size();
  out.write(reinterpret_cast<const char*>(&length), 8);
  out << text;
  uint64_t state = 0x9e3779b97f4a7c15ull;
  for (const tensor_spec& s : specs) {
    uint64_t count = 1;
    for (uint64_t d : s.shape)
      count *= d;
    std::vector<uint16_t> bits(count);
    for (uint16_t& b : bits) {
      state ^= state << 13, state ^= state >> 7, state ^= state << 17;  // xorshift64
      const float u = static_cast<float>(state >> 40) / static_cast<float>(1 << 24);
      b = cuda::testing::bf16_bits(s.ones ? 1.0f : (u - 0.5f) * 0.06f);
    }
    out.write(reinterpret_cast<const char*>(bits.data()), static_cast<std::streamsize>(2 * count));
  }
}

json::object fixture_config(const std::string& name) {
  std::ifstream in(std::filesystem::path(AGORA_SOURCE_DIR) / "tests/fixtures/engine" / name /
                   "config.json");
  std::ostringstream text;
  text << in.rdbuf();
  return json::parse(text.str()).as_object();
}

// TinyLlama-1.1B's shape: V 32000, C 2048, 22 layers, 32 heads, 4 KV heads, F 5632, untied.
void write_tinyllama(const std::filesystem::path& folder) {
  const uint64_t V = 32000, C = 2048, L = 22, KV = 4 * 64, F = 5632, P = 2048;
  json::object config = fixture_config("llama-tiny-f16-sharded");
  config["torch_dtype"] = "bfloat16";
  config["vocab_size"] = V, config["hidden_size"] = C, config["num_hidden_layers"] = L;
  config["num_attention_heads"] = 32, config["num_key_value_heads"] = 4, config["head_dim"] = 64;
  config["intermediate_size"] = F, config["max_position_embeddings"] = P;
  config["eos_token_id"] = 2;
  testing::write_json(folder / "config.json", config);
  std::vector<tensor_spec> specs = {{"model.embed_tokens.weight", {V, C}},
                                    {"model.norm.weight", {C}, true},
                                    {"lm_head.weight", {V, C}}};
  for (uint64_t l = 0; l < L; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    specs.push_back({p + "input_layernorm.weight", {C}, true});
    specs.push_back({p + "post_attention_layernorm.weight", {C}, true});
    specs.push_back({p + "self_attn.q_proj.weight", {C, C}});
    specs.push_back({p + "self_attn.k_proj.weight", {KV, C}});
    specs.push_back({p + "self_attn.v_proj.weight", {KV, C}});
    specs.push_back({p + "self_attn.o_proj.weight", {C, C}});
    specs.push_back({p + "mlp.gate_proj.weight", {F, C}});
    specs.push_back({p + "mlp.up_proj.weight", {F, C}});
    specs.push_back({p + "mlp.down_proj.weight", {C, F}});
  }
  write_random_safetensors(folder / "model.safetensors", specs);
}

// GPT-2 124M: V 50257, C 768, 12 layers, 12 heads, 1024 positions.
void write_gpt2_124m(const std::filesystem::path& folder) {
  const uint64_t V = 50257, C = 768, L = 12, P = 1024;
  json::object config = fixture_config("gpt2-tiny");
  config["torch_dtype"] = "bfloat16";
  config["vocab_size"] = V, config["n_embd"] = C, config["n_layer"] = L, config["n_head"] = 12;
  config["n_positions"] = P, config["n_ctx"] = P;
  testing::write_json(folder / "config.json", config);
  std::vector<tensor_spec> specs = {{"wte.weight", {V, C}},
                                    {"wpe.weight", {P, C}},
                                    {"ln_f.weight", {C}, true},
                                    {"ln_f.bias", {C}}};
  for (uint64_t l = 0; l < L; ++l) {
    const std::string p = "h." + std::to_string(l) + ".";
    for (const char* norm : {"ln_1", "ln_2"}) {
      specs.push_back({p + norm + ".weight", {C}, true});
      specs.push_back({p + norm + ".bias", {C}});
    }
    specs.push_back({p + "attn.c_attn.weight", {C, 3 * C}});
    specs.push_back({p + "attn.c_attn.bias", {3 * C}});
    specs.push_back({p + "attn.c_proj.weight", {C, C}});
    specs.push_back({p + "attn.c_proj.bias", {C}});
    specs.push_back({p + "mlp.c_fc.weight", {C, 4 * C}});
    specs.push_back({p + "mlp.c_fc.bias", {4 * C}});
    specs.push_back({p + "mlp.c_proj.weight", {4 * C, C}});
    specs.push_back({p + "mlp.c_proj.bias", {C}});
  }
  write_random_safetensors(folder / "model.safetensors", specs);
}

// Wall time of f() in milliseconds, measured with events on the legacy stream after a
// device-wide synchronize (every backend call ends synchronised with its own stream).
template <class F>
double time_ms(F&& f) {
  cudaEvent_t start, stop;
  EXPECT_EQ(cudaEventCreate(&start), cudaSuccess);
  EXPECT_EQ(cudaEventCreate(&stop), cudaSuccess);
  EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  cudaEventRecord(start, nullptr);
  f();
  cudaEventRecord(stop, nullptr);
  cudaEventSynchronize(stop);
  float ms = 0;
  cudaEventElapsedTime(&ms, start, stop);
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return ms;
}

std::vector<uint32_t> prompt_of(size_t length, uint32_t seed) {
  std::vector<uint32_t> out;
  for (size_t t = 0; t < length; ++t)
    out.push_back(static_cast<uint32_t>((seed * 7919 + t * 104729) % 30000));
  return out;
}

// Decode tokens per second over `steps` steps of `batch` sequences after a 128-token prompt.
double decode_rate(cuda_backend& b, int batch, int steps) {
  std::vector<std::unique_ptr<kv_sequence>> seqs;
  std::vector<std::vector<float>> logits(batch, std::vector<float>(b.config().vocab_size));
  for (int i = 0; i < batch; ++i) {
    auto seq = b.open_sequence(128 + steps + 16);
    EXPECT_TRUE(seq.ok());
    EXPECT_TRUE(b.forward(**seq, prompt_of(128, i), logits[i]).ok());
    seqs.push_back(std::move(*seq));
  }
  const uint32_t token[] = {42};
  auto step = [&] {
    std::vector<batch_entry> entries;
    for (int i = 0; i < batch; ++i)
      entries.push_back({seqs[i].get(), token, logits[i], {}});
    b.forward_batch(entries);
    for (const batch_entry& e : entries)
      EXPECT_TRUE(e.outcome.ok());
  };
  for (int i = 0; i < 8; ++i)
    step();  // warm-up
  const double ms = time_ms([&] {
    for (int i = 0; i < steps - 8; ++i)
      step();
  });
  return batch * (steps - 8) / (ms / 1000.0);
}

double prefill_ms(cuda_backend& b, size_t tokens, int reps) {
  std::vector<float> logits(b.config().vocab_size);
  const std::vector<uint32_t> prompt = prompt_of(tokens, 3);
  auto once = [&] {
    auto seq = b.open_sequence(static_cast<uint32_t>(tokens));
    EXPECT_TRUE(seq.ok() && b.forward(**seq, prompt, logits).ok());
  };
  once();
  once();
  return time_ms([&] {
           for (int i = 0; i < reps; ++i)
             once();
         }) /
         reps;
}

TEST(cuda_bench, DISABLED_tinyllama_and_gpt2_throughput) {
  AGORA_REQUIRE_GPU();
  testing::temp_folder llama_dir, gpt2_dir;
  write_tinyllama(llama_dir.path());
  auto llama = cuda_backend::load(llama_dir.path());
  ASSERT_TRUE(llama.ok()) << llama.error().to_string();
  const double b1 = decode_rate(**llama, 1, 136), b32 = decode_rate(**llama, 32, 72);
  const double p1024 = prefill_ms(**llama, 1024, 10);
  llama = make_error(errc::not_found, "released");  // free the GPU for the next model
  write_gpt2_124m(gpt2_dir.path());
  auto gpt2 = cuda_backend::load(gpt2_dir.path());
  ASSERT_TRUE(gpt2.ok()) << gpt2.error().to_string();
  const double g1 = decode_rate(**gpt2, 1, 264);
  std::printf("cuda_bench | metric | measured | goal\n");
  std::printf("cuda_bench | TinyLlama batch-1 decode | %.0f tok/s | floor ~1350\n", b1);
  std::printf("cuda_bench | TinyLlama batch-32 decode | %.0f tok/s | >= 15000\n", b32);
  std::printf("cuda_bench | TinyLlama 1024-token prefill | %.2f ms | <= 6\n", p1024);
  std::printf("cuda_bench | GPT-2 124M batch-1 decode | %.0f tok/s | >= 5000\n", g1);
}

}  // namespace
}  // namespace agora::kernels

#endif  // AGORA_WITH_CUDA
