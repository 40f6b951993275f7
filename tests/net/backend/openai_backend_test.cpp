// The external OpenAI-compatible backend against a fake server on loopback: models listed at
// connect, prompts to /v1/completions and chat messages to /v1/chat/completions with the
// request's sampling, text, finish reason and usage read back; embed requests to /v1/embeddings
// with the vector normalised; a failing or absent server and unknown models give clear errors.

#include "net/backend/openai_backend.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/net/backend/fake_openai_server.hpp"

namespace agora::net {
namespace {

actors::generation_request completion_request(std::string prompt) {
  actors::generation_request r;
  r.id = 9;
  r.model = "llama-3-8b";
  r.prompt = std::move(prompt);
  r.sampling.max_tokens = 3;
  r.sampling.temperature = 0.5f;
  r.sampling.seed = 42;
  r.sampling.stop = {"END"};
  return r;
}

TEST(openai_backend_test, lists_the_servers_models_at_connect) {
  testing::fake_openai_server server;
  auto backend = openai_backend::connect({server.url()});
  ASSERT_TRUE(backend) << backend.error().to_string();
  ASSERT_EQ((*backend)->models().size(), 1u);
  EXPECT_EQ((*backend)->models()[0].id, "llama-3-8b");
  EXPECT_EQ((*backend)->models().front().served_by.backend, wire::Backend::External);
  EXPECT_FALSE((*backend)->models().front().served_by.deterministic);
  EXPECT_TRUE((*backend)->blocks());
}

TEST(openai_backend_test, forwards_a_prompt_and_reads_text_and_usage) {
  testing::fake_openai_server server;
  auto backend = openai_backend::connect({server.url() + "/v1/"}).value();
  auto g = backend->generate(completion_request("count to three"));
  ASSERT_TRUE(g) << g.error().to_string();
  EXPECT_EQ(g->request_id, 9u);
  EXPECT_EQ(g->text, "one two three");
  EXPECT_EQ(g->finish_reason, wire::FinishReason::Length);
  EXPECT_EQ(g->prompt_tokens, 5u);
  EXPECT_EQ(g->completion_tokens, 3u);
  ASSERT_EQ(g->chunks.size(), 1u);
  EXPECT_EQ(g->chunks[0].text, g->text);
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].target, "/v1/completions");
  const auto body = boost::json::parse(seen[1].body).as_object();
  EXPECT_EQ(body.at("prompt").as_string(), "count to three");
  EXPECT_EQ(body.at("max_tokens").as_int64(), 3);
  EXPECT_EQ(body.at("seed").as_int64(), 42);
  EXPECT_EQ(body.at("stop").as_array()[0].as_string(), "END");
  EXPECT_FALSE(body.at("stream").as_bool());
}

TEST(openai_backend_test, forwards_chat_messages_to_chat_completions) {
  testing::fake_openai_server server;
  auto backend = openai_backend::connect({server.url()}).value();
  auto r = completion_request("");
  r.messages = {{"system", "be kind"}, {"user", "hello"}};
  auto g = backend->generate(r);
  ASSERT_TRUE(g) << g.error().to_string();
  EXPECT_EQ(g->text, "hi there");
  EXPECT_EQ(g->finish_reason, wire::FinishReason::Stop);
  const auto seen = server.requests();
  ASSERT_EQ(seen.back().target, "/v1/chat/completions");
  const auto messages = boost::json::parse(seen.back().body).as_object().at("messages");
  ASSERT_EQ(messages.as_array().size(), 2u);
  EXPECT_EQ(messages.as_array()[1].as_object().at("content").as_string(), "hello");
}

TEST(openai_backend_test, embeds_through_the_embeddings_endpoint) {
  testing::fake_openai_server server;
  auto backend = openai_backend::connect({server.url()}).value();
  actors::generation_request r;
  r.id = 4;
  r.model = "llama-3-8b";
  r.kind = actors::request_kind::embed;
  r.prompt = "embed me";
  auto g = backend->generate(r);
  ASSERT_TRUE(g) << g.error().to_string();
  EXPECT_EQ(g->request_id, 4u);
  EXPECT_EQ(g->embedding, (std::vector<float>{0.6f, 0.8f}));  // [3, 4] normalised
  EXPECT_EQ(g->prompt_tokens, 7u);
  EXPECT_EQ(g->completion_tokens, 0u);
  EXPECT_TRUE(g->chunks.empty() && g->text.empty());
  auto seen = server.requests();
  ASSERT_EQ(seen.back().target, "/v1/embeddings");
  auto body = boost::json::parse(seen.back().body).as_object();
  EXPECT_EQ(body.at("input").as_string(), "embed me");
  EXPECT_EQ(body.at("encoding_format").as_string(), "float");
  r.prompt.clear();
  r.prompt_token_ids = {5, 6};
  ASSERT_TRUE(backend->generate(r));
  body = boost::json::parse(server.requests().back().body).as_object();
  EXPECT_EQ(body.at("input").as_array().size(), 2u);
  r.messages = {{"user", "no chat"}};
  EXPECT_EQ(backend->generate(r).error().code, errc::invalid_argument);
}

TEST(openai_backend_test, failures_are_clear_errors) {
  testing::fake_openai_server server;
  auto backend = openai_backend::connect({server.url()}).value();
  auto unknown = completion_request("x");
  unknown.model = "gpt-9";
  EXPECT_EQ(backend->generate(unknown).error().code, errc::not_found);
  auto tokens = completion_request("");
  tokens.prompt_token_ids = {1, 2};
  EXPECT_EQ(backend->generate(tokens).error().code, errc::invalid_argument);
  server.fail_with(500);
  auto failed = backend->generate(completion_request("x"));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, errc::io_error);
  EXPECT_NE(failed.error().message.find("500"), std::string::npos);
  EXPECT_FALSE(openai_backend::connect({"http://127.0.0.1:1"}));
  EXPECT_EQ(openai_backend::connect({"ftp://x"}).error().code, errc::invalid_argument);
}

}  // namespace
}  // namespace agora::net
