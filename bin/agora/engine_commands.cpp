// `agora tokenize` and `agora generate`: the inference engine from the command line (DESIGN §8),
// on a Hugging Face model folder. With --json each prints one JSON line whose shape checks and
// scripts rely on (README "Running a model"); without it, ids are printed as text and generated
// text streams to the terminal as it is produced.
#include <boost/json.hpp>
#include <cstdio>

#include "bin/agora/commands.hpp"
#include "kernels/engine/model_engine.hpp"

namespace agora::cli {
namespace {

namespace json = boost::json;

struct engine_flags {
  std::string model;
  std::string backend = "auto";
  bool json = false;
};

struct tokenize_flags : engine_flags {
  std::string text;
};

struct generate_flags : engine_flags {
  std::string prompt;
  uint32_t max_tokens = 16;
  float temperature = 0.0f;
  float top_p = 1.0f;
  uint32_t top_k = 0;
  uint64_t seed = 0;
  uint32_t logprobs = 0;
  std::vector<std::string> stop;
};

int fail(const char* command, const error& e) {
  std::fprintf(stderr, "agora %s: %s\n", command, e.to_string().c_str());
  return 1;
}

result<std::unique_ptr<kernels::model_engine>> open_model(const engine_flags& f) {
  auto choice = kernels::parse_backend_choice(f.backend);
  if (!choice)
    return choice.error();
  return kernels::model_engine::load(f.model, *choice);
}

json::array ids_json(std::span<const uint32_t> ids) {
  json::array out;
  for (uint32_t id : ids)
    out.emplace_back(id);
  return out;
}

json::object logprob_json(uint32_t id, float logprob) {
  return json::object{{"token_id", id}, {"logprob", static_cast<double>(logprob)}};
}

json::array steps_json(const std::vector<kernels::sampled_token>& steps) {
  json::array out;
  for (const auto& step : steps) {
    json::object entry = logprob_json(step.token_id, step.logprob);
    json::array top;
    for (const auto& alt : step.top)
      top.emplace_back(logprob_json(alt.token_id, alt.logprob));
    entry["top"] = std::move(top);
    out.emplace_back(std::move(entry));
  }
  return out;
}

int run_tokenize(const tokenize_flags& f) {
  auto model = open_model(f);
  if (!model)
    return fail("tokenize", model.error());
  std::vector<uint32_t> ids = (*model)->encode_prompt(f.text);
  if (f.json) {
    std::printf("%s\n", json::serialize(json::object{{"ids", ids_json(ids)}}).c_str());
    return 0;
  }
  for (size_t i = 0; i < ids.size(); ++i)
    std::printf(i ? " %u" : "%u", ids[i]);
  std::printf("\n");
  return 0;
}

int run_generate(const generate_flags& f) {
  auto model = open_model(f);
  if (!model)
    return fail("generate", model.error());
  kernels::generate_options options;
  options.max_tokens = f.max_tokens;
  options.sampling = {f.temperature, f.top_p, f.top_k, f.seed};
  options.stop = f.stop;
  options.top_logprobs = f.logprobs;
  kernels::text_sink to_terminal = [](std::string_view piece) {
    std::fwrite(piece.data(), 1, piece.size(), stdout);
    std::fflush(stdout);
  };
  std::vector<uint32_t> prompt = (*model)->encode_prompt(f.prompt);
  auto out = (*model)->run(prompt, options, f.json ? kernels::text_sink{} : to_terminal);
  if (!out)
    return fail("generate", out.error());
  if (!f.json) {
    std::printf("\n");
    return 0;
  }
  json::object line{{"prompt_ids", ids_json(out->prompt_ids)},
                    {"completion_ids", ids_json(out->completion_ids)},
                    {"text", out->text},
                    {"logprobs", steps_json(out->steps)}};
  std::printf("%s\n", json::serialize(line).c_str());
  return 0;
}

void add_model_flags(CLI::App* cmd, engine_flags& f) {
  cmd->add_option("--model", f.model, "Hugging Face model folder")->required();
  cmd->add_option("--backend", f.backend, "auto, cpu or cuda")->capture_default_str();
  cmd->add_flag("--json", f.json, "Print one JSON line");
}

}  // namespace

void add_engine_commands(CLI::App& app, action& run) {
  static tokenize_flags t;
  auto* tokenize = app.add_subcommand("tokenize", "Print the token ids of a text for a model");
  add_model_flags(tokenize, t);
  tokenize->add_option("--text", t.text, "Text to tokenize")->required();
  tokenize->callback([&run] { run = [] { return run_tokenize(t); }; });

  static generate_flags g;
  auto* generate = app.add_subcommand("generate", "Generate a completion with a model folder");
  add_model_flags(generate, g);
  generate->add_option("--prompt", g.prompt, "Prompt text")->required();
  generate->add_option("--max-tokens", g.max_tokens, "Completion tokens at most")
      ->check(CLI::Range(1u, 1u << 20))
      ->capture_default_str();
  generate->add_option("--temperature", g.temperature, "0 is greedy")->capture_default_str();
  generate->add_option("--top-p", g.top_p, "Nucleus mass, (0, 1]")->capture_default_str();
  generate->add_option("--top-k", g.top_k, "Keep the K most likely (0: off)")
      ->capture_default_str();
  generate->add_option("--seed", g.seed, "Sampling seed")->capture_default_str();
  generate->add_option("--logprobs", g.logprobs, "Top alternatives per token, 0–20")
      ->check(CLI::Range(0u, 20u));
  generate->add_option("--stop", g.stop, "Stop sequence (repeatable)");
  generate->callback([&run] { run = [] { return run_generate(g); }; });
}

}  // namespace agora::cli
