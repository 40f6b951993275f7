// GET /signature/{id} (net/gateway/proofs/signature_route.hpp) end to end over real HTTP: the
// serving provider's EIP-191 signature over sha256(request body) ":" sha256(response body), for
// a whole and a streamed answer; the errors; and the proof store's attestations (waiting for an
// asked one, durable round trip, forgetting).
#include "net/gateway/proofs/signature_route.hpp"

#include <gtest/gtest.h>

#include "core/keccak.hpp"
#include "core/signature.hpp"
#include "tests/net/gateway/gateway_fixture.hpp"

namespace agora::net::testing {
namespace {

namespace json = boost::json;

const std::string chat_request =
    R"({"model":"mock-model","messages":[{"role":"user","content":"sign me"}],"max_tokens":4})";
const std::string streamed_request =
    R"({"model":"mock-model","prompt":"sign the stream","max_tokens":5,"stream":true,)"
    R"("stream_options":{"include_usage":true}})";

std::string text_of(const std::string& request_body, const std::string& response_body) {
  return to_hex(sha256(as_bytes(request_body))) + ":" + to_hex(sha256(as_bytes(response_body)));
}

class signature_test : public gateway_test {
 protected:
  /// GET /signature/{id}, checked: the text binds both bodies and the provider signed it.
  void expect_signed(const std::string& id, const std::string& request_body,
                     const std::string& response_body) {
    const http_reply s = get("/signature/" + id);
    ASSERT_EQ(s.status, 200u) << s.body;
    const json::value v = s.json();
    const std::string text(v.at("text").as_string());
    EXPECT_EQ(text, text_of(request_body, response_body));
    EXPECT_EQ(v.at("signing_address").as_string(), provider_key_.address().to_string());
    auto signed_by = parse_signature(std::string(v.at("signature").as_string()));
    ASSERT_TRUE(signed_by);
    EXPECT_EQ(recover_personal(*signed_by, as_bytes(text)).value(), provider_key_.address());
    const json::value proof = get("/v1/proofs/" + id).json();
    EXPECT_EQ(proof.at("provider").as_string(), v.at("signing_address").as_string());
  }
};

TEST_F(signature_test, the_provider_signs_the_exact_bodies_of_a_completion) {
  const http_reply r = post("/v1/chat/completions", chat_request);
  ASSERT_EQ(r.status, 200u) << r.body;
  const std::string id(r.json().at("id").as_string());
  expect_signed(id, chat_request, r.body);
  // The bare task id names the same response.
  EXPECT_EQ(get("/signature/" + id.substr(9)).status, 200u);
}

TEST_F(signature_test, a_streams_body_is_every_byte_of_its_events_done_included) {
  const http_reply r = post("/v1/completions", streamed_request);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.content_type, "text/event-stream");
  ASSERT_GE(r.body.size(), 14u);
  EXPECT_EQ(r.body.substr(r.body.size() - 14), "data: [DONE]\n\n");
  const size_t id_at = r.body.find("\"id\":\"") + 6;
  const std::string id = r.body.substr(id_at, r.body.find('"', id_at) - id_at);
  expect_signed(id, streamed_request, r.body);
}

TEST_F(signature_test, unknown_ids_and_unattested_responses_are_openai_shaped_404s) {
  for (const std::string id : {"chatcmpl-00000000000000000000000000000000", "nonsense"}) {
    const http_reply r = get("/signature/" + id);
    EXPECT_EQ(r.status, 404u);
    const json::value e = r.json().at("error");
    EXPECT_EQ(e.at("code").as_string(), "signature_not_found");
    EXPECT_EQ(e.at("type").as_string(), "invalid_request_error");
    EXPECT_EQ(e.at("param").as_string(), "id");
  }
  // An embedding's proof is kept, but one HTTP body spans its tasks: nothing was attested.
  const http_reply r = post("/v1/embeddings", R"({"model":"mock-model","input":"x"})");
  ASSERT_EQ(r.status, 200u) << r.body;
  const std::string id = r.header("x-agora-proof-ids");
  ASSERT_FALSE(id.empty());
  const http_reply s = get("/signature/" + id);
  EXPECT_EQ(s.status, 404u) << s.body;
  EXPECT_NE(s.body.find("no signature was asked"), std::string::npos) << s.body;
}

// ------------------------------------------------------------------------------------------------
// The proof store's attestations

wire::id128 id_of(uint8_t fill) {
  wire::id128 id{};
  id.fill(fill);
  return id;
}

TEST(proof_store_attestations, a_reader_waits_for_an_asked_one_and_the_disk_keeps_it) {
  const private_key provider = wire::samples::test_key(5);
  const bytes proof = wire::seal(wire::samples::sample_of<wire::ComputeProof>(provider), provider);
  const bytes attestation =
      wire::seal(wire::samples::sample_of<wire::BodyAttestation>(provider), provider);
  auto memory = std::make_shared<storage::memory_env>();
  const storage::store_options where{
      .path = "/gateway", .sync = false, .in_memory = true, .memory = memory};
  std::vector<result<bytes>> heard;
  const auto listen = [&heard](const result<bytes>& r) { heard.push_back(r); };
  {
    gateway::proof_store store{
        4, std::shared_ptr<storage::store>(storage::store::open(where).value())};
    store.put(id_of(1), {proof, 3});
    store.when_attested(id_of(1), listen);  // never asked: at once
    ASSERT_EQ(heard.size(), 1u);
    EXPECT_EQ(heard[0].error().code, errc::not_found);
    store.expect_attestation(id_of(1));
    store.when_attested(id_of(1), listen);
    EXPECT_EQ(heard.size(), 1u);  // waits
    store.put_attestation(id_of(1), attestation, epoch_unix_s);
    ASSERT_EQ(heard.size(), 2u);
    EXPECT_EQ(*heard[1], attestation);
  }
  gateway::proof_store reopened{
      4, std::shared_ptr<storage::store>(storage::store::open(where).value())};
  reopened.when_attested(id_of(1), listen);
  ASSERT_EQ(heard.size(), 3u);
  ASSERT_TRUE(heard[2]);
  EXPECT_EQ(*heard[2], attestation);
  const json::value v = json::parse(gateway::signature_json(*heard[2]));
  EXPECT_EQ(v.at("signing_address").as_string(), provider.address().to_string());
  EXPECT_EQ(v.at("text").as_string().size(), 129u);
}

TEST(proof_store_attestations, a_failure_reaches_the_waiters_and_forgetting_releases_them) {
  const private_key provider = wire::samples::test_key(5);
  const bytes proof = wire::seal(wire::samples::sample_of<wire::ComputeProof>(provider), provider);
  gateway::proof_store store{1};
  std::vector<result<bytes>> heard;
  const auto listen = [&heard](const result<bytes>& r) { heard.push_back(r); };
  store.put(id_of(1), {proof, 3});
  store.expect_attestation(id_of(1));
  store.when_attested(id_of(1), listen);
  store.put_attestation(id_of(1), make_error(errc::bad_signature, "refused"), epoch_unix_s);
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_EQ(heard[0].error().code, errc::bad_signature);
  store.when_attested(id_of(1), listen);  // the failure is kept for later readers
  ASSERT_EQ(heard.size(), 2u);
  EXPECT_EQ(heard[1].error().code, errc::bad_signature);
  store.put(id_of(2), {proof, 3});
  store.expect_attestation(id_of(2));
  store.when_attested(id_of(2), listen);
  store.put(id_of(3), {proof, 3});  // id 2 leaves memory while its reader waits
  ASSERT_EQ(heard.size(), 3u);
  EXPECT_EQ(heard[2].error().code, errc::not_found);
  store.expect_attestation(id_of(9));  // no proof kept: nothing to wait for
  store.when_attested(id_of(9), listen);
  ASSERT_EQ(heard.size(), 4u);
  EXPECT_EQ(heard[3].error().code, errc::not_found);
}

}  // namespace
}  // namespace agora::net::testing
