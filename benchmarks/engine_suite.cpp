// The engine suite of agora-bench (issue 3, DESIGN §8): prefill and batch-1 decode speed of each
// backend on random-weight models of real shapes (GPT-2 124M, TinyLlama-1.1B), each beside its
// floor on this machine: decode reads every weight once per token, so weight bytes ÷ measured
// memory bandwidth bounds it; prefill does 2 flops per weight per token, bounded by the
// measured SGEMM rate. Only the CPU backend exists so far; CUDA rows join when it lands.
#include <cblas.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "benchmarks/random_model.hpp"
#include "benchmarks/scratch_dir.hpp"
#include "benchmarks/stopwatch.hpp"
#include "benchmarks/suites.hpp"
#include "kernels/cpu/cpu_backend.hpp"

namespace agora::bench {
namespace {

// Bytes per second of a large memcpy, counting read + write.
double copy_bandwidth() {
  const size_t bytes = size_t{256} << 20;
  std::vector<char> from(bytes, 1), to(bytes, 0);
  std::memcpy(to.data(), from.data(), bytes);  // fault the pages in
  double best = 0;
  for (int round = 0; round < 5; ++round) {
    const stopwatch clock;
    std::memcpy(to.data(), from.data(), bytes);
    best = std::max(best, 2.0 * bytes / clock.seconds());
  }
  return best;
}

// Flops per second of a 1024³ fp32 SGEMM on every core OpenBLAS uses.
double sgemm_rate() {
  const int n = 1024;
  std::vector<float> a(n * n, 0.5f), b(n * n, 0.25f), c(n * n);
  double best = 0;
  for (int round = 0; round < 5; ++round) {
    const stopwatch clock;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a.data(), n, b.data(), n,
                0.0f, c.data(), n);
    best = std::max(best, 2.0 * n * n * n / clock.seconds());
  }
  return best;
}

struct machine {
  double bandwidth = 0;  // bytes/s
  double flops = 0;      // fp32 flops/s
};

// Prefill of `prompt` tokens, then decode until the time budget or `decode_max` tokens.
void measure_model(report& out, const options& opts, const model_shape& shape,
                   const std::string& label, const machine& m) {
  scratch_dir dir(opts.scratch_dir, "engine");
  if (!dir.ok() || !write_random_model(dir.path(), shape, 7)) {
    out.note(label, "could not write the model under " + opts.scratch_dir);
    return;
  }
  const stopwatch load_clock;
  auto model = kernels::cpu_backend::load(dir.path());
  if (!model) {
    out.note(label, "load failed: " + model.error().to_string());
    return;
  }
  out.add({label + " cpu load", load_clock.seconds(), "s", "reads and widens every weight"});
  const uint32_t prompt = 128, decode_max = 256;
  auto seq = (*model)->open_sequence(prompt + decode_max);
  std::vector<float> logits(shape.vocab);
  std::vector<uint32_t> ids(prompt);
  for (uint32_t i = 0; i < prompt; ++i)
    ids[i] = (i * 7919) % shape.vocab;
  const double params = static_cast<double>(parameter_count(shape));
  const stopwatch prefill_clock;
  if (!seq || !(*model)->forward(**seq, ids, logits))
    return;
  double prefill_s = prefill_clock.seconds();
  out.add({label + " cpu prefill 128", prompt / prefill_s, "tok/s",
           "floor " + std::to_string(int(m.flops / (2 * params))) + " tok/s (2 flops/weight)"});
  uint32_t decoded = 0;
  const stopwatch decode_clock;
  while (decoded < decode_max && (decoded < 4 || decode_clock.seconds() < opts.seconds)) {
    uint32_t next = std::max_element(logits.begin(), logits.end()) - logits.begin();
    if (!(*model)->forward(**seq, std::span<const uint32_t>(&next, 1), logits))
      return;
    ++decoded;
  }
  double weight_bytes = params * 4;  // the CPU backend holds fp32
  out.add({label + " cpu decode batch 1", decoded / decode_clock.seconds(), "tok/s",
           "floor " + std::to_string(int(m.bandwidth / weight_bytes)) +
               " tok/s (fp32 weights ÷ copy bandwidth)"});
}

}  // namespace

report run_engine_suite(const options& opts) {
  report out("engine");
  machine m{copy_bandwidth(), sgemm_rate()};
  out.note("copy bandwidth", std::to_string(int(m.bandwidth / 1e9)) + " GB/s (read + write)");
  out.note("sgemm 1024^3", std::to_string(int(m.flops / 1e9)) + " GFLOP/s (OpenBLAS, all cores)");
  out.add({"memcpy bandwidth", m.bandwidth / 1e9, "GB/s", "the decode floor's denominator"});
  out.add({"sgemm fp32", m.flops / 1e9, "GFLOP/s", "the prefill floor's denominator"});
  measure_model(out, opts, gpt2_124m(), "gpt2-124m", m);
  measure_model(out, opts, tinyllama_1b(), "tinyllama-1.1b", m);
  return out;
}

}  // namespace agora::bench
