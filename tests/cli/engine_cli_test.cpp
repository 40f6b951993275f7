// `agora tokenize` and `agora generate` end to end on the fixture model folders: the JSON lines
// have the documented shape and carry what the engine library computes in-process, text streams
// without --json, and bad folders or backends fail with a message naming the problem.
#include <boost/json.hpp>

#include "kernels/engine/model_engine.hpp"
#include "tests/cli/cli_test.hpp"

namespace agora {
namespace {

namespace json = boost::json;

const std::string fixtures = std::string(AGORA_SOURCE_DIR) + "/tests/fixtures/engine/";

std::vector<uint32_t> ids_of(const json::value& array) {
  std::vector<uint32_t> ids;
  for (const auto& v : array.as_array())
    ids.push_back(static_cast<uint32_t>(v.as_int64()));
  return ids;
}

using engine_cli = cli_test;

TEST_F(engine_cli, tokenize_prints_the_ids_the_tokenizer_gives) {
  for (std::string model : {"gpt2-tiny", "llama-tiny-bf16"}) {
    outcome run =
        agora({"tokenize", "--model", fixtures + model, "--text", "Hi there, 42!", "--json"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    auto engine = kernels::model_engine::load(fixtures + model, kernels::backend_choice::cpu);
    ASSERT_TRUE(engine) << engine.error().to_string();
    EXPECT_EQ(ids_of(json::parse(run.last_line()).at("ids")),
              (*engine)->encode_prompt("Hi there, 42!"))
        << model;
  }
}

TEST_F(engine_cli, generate_json_has_prompt_completion_text_and_logprobs) {
  const std::string model = fixtures + "llama-tiny-f16-sharded";
  outcome run = agora({"generate", "--model", model, "--prompt", "Hello", "--max-tokens", "6",
                       "--logprobs", "3", "--backend", "cpu", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  json::object line = json::parse(run.last_line()).as_object();
  auto engine = kernels::model_engine::load(model, kernels::backend_choice::cpu);
  ASSERT_TRUE(engine);
  kernels::generate_options greedy;
  greedy.max_tokens = 6;
  greedy.sampling.temperature = 0.0f;
  auto expected = (*engine)->run((*engine)->encode_prompt("Hello"), greedy);
  ASSERT_TRUE(expected);
  EXPECT_EQ(ids_of(line.at("prompt_ids")), expected->prompt_ids);
  EXPECT_EQ(ids_of(line.at("completion_ids")), expected->completion_ids);
  EXPECT_EQ(line.at("text").as_string(), expected->text);
  const json::array& logprobs = line.at("logprobs").as_array();
  ASSERT_EQ(logprobs.size(), expected->completion_ids.size());
  for (size_t i = 0; i < logprobs.size(); ++i) {
    const json::object& step = logprobs[i].as_object();
    EXPECT_EQ(step.at("token_id").as_int64(), expected->completion_ids[i]);
    const json::array& top = step.at("top").as_array();
    ASSERT_EQ(top.size(), 3u);
    EXPECT_EQ(top[0].at("token_id").as_int64(), expected->completion_ids[i]);  // greedy
    EXPECT_GE(top[0].at("logprob").as_double(), top[1].at("logprob").as_double());
    EXPECT_NEAR(step.at("logprob").as_double(), expected->steps[i].logprob, 1e-6);
  }
}

TEST_F(engine_cli, generate_streams_text_without_json) {
  const std::string model = fixtures + "gpt2-tiny";
  outcome streamed = agora({"generate", "--model", model, "--prompt", "Hi", "--max-tokens", "5"});
  outcome quiet =
      agora({"generate", "--model", model, "--prompt", "Hi", "--max-tokens", "5", "--json"});
  ASSERT_EQ(streamed.exit_code, 0) << streamed.err;
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  std::string text(json::parse(quiet.last_line()).at("text").as_string());
  EXPECT_EQ(streamed.out, text + "\n");
}

TEST_F(engine_cli, bad_folders_and_backends_fail_with_a_clear_message) {
  outcome missing = agora({"generate", "--model", (dir_ / "nope").string(), "--prompt", "x"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("nope"), std::string::npos) << missing.err;
  outcome backend =
      agora({"tokenize", "--model", fixtures + "gpt2-tiny", "--text", "x", "--backend", "tpu"});
  EXPECT_EQ(backend.exit_code, 1);
  EXPECT_NE(backend.err.find("tpu"), std::string::npos) << backend.err;
  std::filesystem::create_directories(dir_ / "broken");
  std::ofstream(dir_ / "broken" / "config.json") << "{\"model_type\": \"gpt2\",";
  std::filesystem::copy(fixtures + "gpt2-tiny/tokenizer.json", dir_ / "broken");
  outcome broken = agora({"generate", "--model", (dir_ / "broken").string(), "--prompt", "x"});
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.err.find("config.json"), std::string::npos) << broken.err;
}

}  // namespace
}  // namespace agora
