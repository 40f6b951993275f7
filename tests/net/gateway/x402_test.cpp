// x402 pay-per-request end to end over real HTTP (gateway_fixture.hpp world, with the gateway's
// house account empty so that only payments can pay): the 402 in both protocol versions, a
// valid payment served with its settlement header, the payer charged exactly the proof's cost,
// and every refused payment (replayed, altered, expired, short, to another recipient) answered
// with 402 and no money moved (net/gateway/x402/; docs/X402.md).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>

#include "core/amount.hpp"
#include "core/eip712.hpp"
#include "net/gateway/x402/base64.hpp"
#include "net/gateway/x402/payment.hpp"
#include "tests/net/gateway/x402_client.hpp"

namespace agora::net::testing {
namespace {

namespace json = boost::json;
namespace x402 = gateway::x402;

const std::string completion_body =
    R"({"model":"mock-model","prompt":"hello","max_tokens":8,"seed":7})";
// The worst case at the price cap: (5 prompt bytes + 1 + 8 max_tokens) × 200 micros per token.
constexpr int64_t required_micros = 14 * (price_cap_micros / 1'000'000);
constexpr int64_t paid_micros = required_micros + 1'000;

/// A reply with its header fields (x402 lives in them).
struct full_reply {
  unsigned status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names

  json::value json_body() const { return json::parse(body); }
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string{} : it->second;
  }
};

full_reply post_with(uint16_t port, const std::string& target, const std::string& body,
                     const std::vector<std::pair<std::string, std::string>>& fields) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(asio::ip::tcp::endpoint{asio::ip::make_address("127.0.0.1"), port});
  http::request<http::string_body> request{http::verb::post, target, 11};
  request.set(http::field::host, "127.0.0.1");
  request.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : fields)
    request.set(name, value);
  request.body() = body;
  request.prepare_payload();
  beast::error_code ec;
  http::write(stream, request, ec);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response, ec);
  if (ec)
    return {};
  full_reply out{response.result_int(), response.body(), {}};
  for (const auto& field : response) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    out.headers[name] = std::string(field.value());
  }
  return out;
}

json::value decode_header(const std::string& value) {
  auto text = x402::base64_decode(value);
  EXPECT_TRUE(text) << value;
  return json::parse(text ? *text : std::string("null"));
}

class x402_test : public gateway_test {
 protected:
  world_setup setup() const override { return {.house_deposit = 0}; }  // payers pay
  void configure(gateway::gateway_actor_options& o, gateway::gateway_options&) override {
    options_.enabled = true;
    options_.pay_to = escrow_key_.address();
    o.x402 = options_;
  }

  eip712::transfer_with_authorization authorization(int64_t value, uint8_t nonce_fill) const {
    return x402_authorization(options_, payer_.address(), value, nonce_fill);
  }
  std::string sign(const eip712::transfer_with_authorization& a) const {
    return x402_sign(options_, payer_, a);
  }
  std::string header_v1(const eip712::transfer_with_authorization& a,
                        const std::string& signature) const {
    return x402_header_v1(options_, a, signature);
  }

  /// The PAYMENT-SIGNATURE header (version 2) of `a`.
  std::string header_v2(const eip712::transfer_with_authorization& a,
                        const std::string& signature) const {
    json::object accepted{{"scheme", "exact"},
                          {"network", x402::caip2_network(options_)},
                          {"amount", std::to_string(required_micros)},
                          {"asset", options_.asset.to_string()},
                          {"payTo", options_.pay_to.to_string()},
                          {"maxTimeoutSeconds", 300},
                          {"extra", {{"name", "USDC"}, {"version", "2"}}}};
    json::object payload{{"signature", signature}, {"authorization", x402_authorization_json(a)}};
    json::object top{
        {"x402Version", 2}, {"accepted", std::move(accepted)}, {"payload", std::move(payload)}};
    return x402::base64_encode(json::serialize(top));
  }

  full_reply pay_v1(const std::string& header) {
    return post_with(port_, "/v1/completions", completion_body, {{"X-PAYMENT", header}});
  }
  full_reply pay_v2(const std::string& header) {
    return post_with(port_, "/v1/completions", completion_body, {{"PAYMENT-SIGNATURE", header}});
  }

  /// The escrow account the gateway keeps for the payer.
  int64_t payer_balance() {
    auto account = x402::payer_account_key(house_key_, payer_.address());
    return balance(escrow::renter_balance(account.value().address()));
  }

  /// The proof's cost of a served completion: its tokens at the provider's price.
  static int64_t cost_of(const json::value& body) {
    const int64_t tokens = body.at("usage").at("prompt_tokens").as_int64() +
                           body.at("usage").at("completion_tokens").as_int64();
    return cost_of_tokens(amount::from_micros(provider_price_micros), tokens).value().micros();
  }

  void expect_refused(const full_reply& r, std::string_view why) {
    EXPECT_EQ(r.status, 402u) << r.body;
    const json::value body = r.json_body();
    EXPECT_EQ(body.at("x402Version").as_int64(), 1);
    EXPECT_NE(std::string(body.at("error").as_string()).find(why), std::string::npos)
        << body.at("error").as_string();
    EXPECT_FALSE(r.header("payment-required").empty());
  }

  x402::x402_options options_;
  private_key payer_ = wire::samples::test_key(700);
};

// ------------------------------------------------------------------------------------------------
// The 402.

TEST_F(x402_test, an_unpaid_request_gets_version_1_requirements_in_the_body) {
  const full_reply r = post_with(port_, "/v1/completions", completion_body, {});
  ASSERT_EQ(r.status, 402u) << r.body;
  const json::object body = r.json_body().as_object();
  EXPECT_EQ(body.at("x402Version").as_int64(), 1);
  EXPECT_FALSE(body.at("error").as_string().empty());
  ASSERT_EQ(body.at("accepts").as_array().size(), 1u);
  const json::object& a = body.at("accepts").as_array()[0].as_object();
  EXPECT_EQ(a.at("scheme").as_string(), "exact");
  EXPECT_EQ(a.at("network").as_string(), "base-sepolia");
  EXPECT_EQ(a.at("maxAmountRequired").as_string(), std::to_string(required_micros));
  EXPECT_EQ(a.at("resource").as_string(), "http://127.0.0.1/v1/completions");
  EXPECT_NE(std::string(a.at("description").as_string()).find("does not settle on-chain"),
            std::string::npos);
  EXPECT_EQ(a.at("mimeType").as_string(), "application/json");
  EXPECT_EQ(a.at("payTo").as_string(), escrow_key_.address().to_string());
  EXPECT_EQ(a.at("maxTimeoutSeconds").as_int64(), 300);
  EXPECT_EQ(a.at("asset").as_string(), "0x036CbD53842c5426634e7929541eC2318f3dCF7e");
  EXPECT_EQ(a.at("extra").at("name").as_string(), "USDC");
  EXPECT_EQ(a.at("extra").at("version").as_string(), "2");
}

TEST_F(x402_test, an_unpaid_request_gets_version_2_requirements_in_the_header) {
  const full_reply r = post_with(port_, "/v1/chat/completions",
                                 R"({"model":"mock-model","messages":[{"role":"user",)"
                                 R"("content":"hi"}],"max_tokens":4})",
                                 {});
  ASSERT_EQ(r.status, 402u) << r.body;
  const json::value v2 = decode_header(r.header("payment-required"));
  EXPECT_EQ(v2.at("x402Version").as_int64(), 2);
  EXPECT_FALSE(v2.at("error").as_string().empty());
  EXPECT_EQ(v2.at("resource").at("url").as_string(), "http://127.0.0.1/v1/chat/completions");
  EXPECT_EQ(v2.at("resource").at("mimeType").as_string(), "application/json");
  const json::object& a = v2.at("accepts").as_array()[0].as_object();
  EXPECT_EQ(a.at("scheme").as_string(), "exact");
  EXPECT_EQ(a.at("network").as_string(), "eip155:84532");
  // Chat: 16 template tokens + ("hi" + 8 per message) + 4 max_tokens, 200 micros each.
  EXPECT_EQ(a.at("amount").as_string(), std::to_string((16 + 2 + 8 + 4) * 200));
  EXPECT_EQ(a.at("payTo").as_string(), escrow_key_.address().to_string());
  EXPECT_EQ(a.at("asset").as_string(), "0x036CbD53842c5426634e7929541eC2318f3dCF7e");
  EXPECT_EQ(a.at("maxTimeoutSeconds").as_int64(), 300);
  EXPECT_EQ(a.at("extra").at("version").as_string(), "2");
}

TEST_F(x402_test, other_routes_stay_free) {
  EXPECT_EQ(http_call(port_, http::verb::get, "/v1/models").status, 200u);
  EXPECT_EQ(http_call(port_, http::verb::get, "/health").status, 200u);
}

// ------------------------------------------------------------------------------------------------
// Paid and served.

TEST_F(x402_test, rentals_without_accounts_are_refused_as_x402_cannot_prepay_them) {
  const http_reply r = post("/v1/sessions", "{}");
  EXPECT_EQ(r.status, 403u) << r.body;
  EXPECT_EQ(r.json().at("error").at("code").as_string(), "rentals_need_account");
  EXPECT_EQ(get("/v1/sessions/" + std::string(32, 'a')).status, 403u);
  EXPECT_EQ(relay_status().rentals, 0u);
}

TEST_F(x402_test, a_version_1_payment_is_served_and_charges_the_payer_exactly_the_cost) {
  const auto a = authorization(paid_micros, 0x01);
  const full_reply r = pay_v1(header_v1(a, sign(a)));
  ASSERT_EQ(r.status, 200u) << r.body;
  const json::value settle = decode_header(r.header("x-payment-response"));
  EXPECT_TRUE(settle.at("success").as_bool());
  EXPECT_EQ(settle.at("network").as_string(), "base-sepolia");
  EXPECT_EQ(settle.at("payer").as_string(), payer_.address().to_string());
  EXPECT_TRUE(settle.at("transaction").as_string().empty());  // nothing went on-chain
  const int64_t cost = cost_of(r.json_body());
  ASSERT_GT(cost, 0);
  ASSERT_LT(cost, required_micros);
  EXPECT_TRUE(wait_until([&] { return payer_balance() == paid_micros - cost; }))
      << payer_balance() << " != " << paid_micros - cost;
  EXPECT_EQ(house_balance(), 0);  // the house paid nothing
}

TEST_F(x402_test, a_version_2_payment_is_served_with_its_payment_response) {
  const auto a = authorization(required_micros, 0x02);
  const full_reply r = pay_v2(header_v2(a, sign(a)));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_TRUE(r.header("x-payment-response").empty());
  const json::value settle = decode_header(r.header("payment-response"));
  EXPECT_TRUE(settle.at("success").as_bool());
  EXPECT_EQ(settle.at("network").as_string(), "eip155:84532");
  EXPECT_EQ(settle.at("payer").as_string(), payer_.address().to_string());
  const int64_t cost = cost_of(r.json_body());
  EXPECT_TRUE(wait_until([&] { return payer_balance() == required_micros - cost; }));
}

TEST_F(x402_test, a_paid_stream_carries_the_payment_response_in_its_head) {
  const auto a = authorization(paid_micros, 0x03);
  const full_reply r =
      post_with(port_, "/v1/completions",
                R"({"model":"mock-model","prompt":"hello","max_tokens":8,"stream":true})",
                {{"X-PAYMENT", header_v1(a, sign(a))}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_NE(r.body.find("data: [DONE]"), std::string::npos);
  EXPECT_TRUE(decode_header(r.header("x-payment-response")).at("success").as_bool());
}

// ------------------------------------------------------------------------------------------------
// Refused: nothing served, nothing more charged.

TEST_F(x402_test, embeddings_pay_the_worst_case_of_all_inputs_once) {
  const std::string body = R"({"model":"mock-model","input":["hello","world"]})";
  const full_reply unpaid = post_with(port_, "/v1/embeddings", body, {});
  ASSERT_EQ(unpaid.status, 402u) << unpaid.body;
  // Each input: 5 bytes + 1 prompt tokens at most, 200 micros each at the price cap.
  const json::value accepts = unpaid.json_body().at("accepts").at(0);
  EXPECT_EQ(accepts.at("maxAmountRequired").as_string(), std::to_string(2 * 6 * 200));
  EXPECT_EQ(accepts.at("resource").as_string(), "http://127.0.0.1/v1/embeddings");
  const auto a = authorization(3'400, 0x61);
  const std::string header = header_v1(a, sign(a));
  const full_reply r = post_with(port_, "/v1/embeddings", body, {{"X-PAYMENT", header}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_FALSE(r.header("x-payment-response").empty());
  EXPECT_EQ(r.json_body().at("data").as_array().size(), 2u);
  const int64_t one_token =
      cost_of_tokens(amount::from_micros(provider_price_micros), 1).value().micros();
  // Each proof's real cost, nothing more.
  EXPECT_TRUE(wait_until([&] { return payer_balance() == 3'400 - 2 * one_token; }));
  expect_refused(post_with(port_, "/v1/embeddings", body, {{"X-PAYMENT", header}}), "nonce");
  EXPECT_EQ(payer_balance(), 3'400 - 2 * one_token);
}

TEST_F(x402_test, a_replayed_payment_is_refused) {
  const auto a = authorization(paid_micros, 0x04);
  const std::string header = header_v1(a, sign(a));
  const full_reply first = pay_v1(header);
  ASSERT_EQ(first.status, 200u) << first.body;
  const int64_t cost_once = cost_of(first.json_body());
  ASSERT_TRUE(wait_until([&] { return payer_balance() == paid_micros - cost_once; }));
  expect_refused(pay_v1(header), "nonce");
  // The same authorization in a version 2 header is the same payment.
  expect_refused(pay_v2(header_v2(a, sign(a))), "nonce");
  EXPECT_EQ(payer_balance(), paid_micros - cost_once);
}

TEST_F(x402_test, an_altered_amount_fails_the_signature) {
  auto a = authorization(paid_micros, 0x05);
  const std::string signature = sign(a);
  a.value = std::to_string(paid_micros * 10);
  expect_refused(pay_v1(header_v1(a, signature)), "signature");
  EXPECT_EQ(payer_balance(), 0);
}

TEST_F(x402_test, an_altered_recipient_fails_the_signature) {
  auto a = authorization(paid_micros, 0x06);
  const std::string signature = sign(a);
  a.to = house_key_.address();
  expect_refused(pay_v1(header_v1(a, signature)), "signature");
}

TEST_F(x402_test, a_payment_to_another_recipient_is_refused) {
  auto a = authorization(paid_micros, 0x07);
  a.to = house_key_.address();
  expect_refused(pay_v2(header_v2(a, sign(a))), "payTo");
  EXPECT_EQ(payer_balance(), 0);
}

TEST_F(x402_test, an_altered_signature_is_refused) {
  const auto a = authorization(paid_micros, 0x08);
  std::string signature = sign(a);
  signature[10] = signature[10] == 'a' ? 'b' : 'a';
  expect_refused(pay_v1(header_v1(a, signature)), "signature");
  // Another signer's valid signature does not pay for `from` either.
  const eip712::token_domain domain{options_.token_name, options_.token_version, options_.chain_id,
                                    options_.asset};
  const std::string other = to_hex0x(
      sign_digest(house_key_, eip712::transfer_with_authorization_digest(domain, a).value()));
  expect_refused(pay_v1(header_v1(a, other)), "signature");
}

TEST_F(x402_test, an_expired_or_not_yet_valid_authorization_is_refused) {
  auto expired = authorization(paid_micros, 0x09);
  expired.valid_before = std::to_string(epoch_unix_s - 1);
  expect_refused(pay_v1(header_v1(expired, sign(expired))), "expired");
  auto early = authorization(paid_micros, 0x0a);
  early.valid_after = std::to_string(epoch_unix_s + 3'600);
  expect_refused(pay_v2(header_v2(early, sign(early))), "not valid yet");
  EXPECT_EQ(payer_balance(), 0);
  // The refused nonce was never recorded: once valid, the same nonce pays.
  auto later = authorization(paid_micros, 0x0a);
  EXPECT_EQ(pay_v1(header_v1(later, sign(later))).status, 200u);
}

TEST_F(x402_test, a_payment_below_the_worst_case_is_refused) {
  const auto a = authorization(required_micros - 1, 0x0b);
  expect_refused(pay_v1(header_v1(a, sign(a))), "below");
  EXPECT_EQ(payer_balance(), 0);
}

TEST_F(x402_test, a_payment_for_another_network_or_garbage_is_refused) {
  const auto a = authorization(paid_micros, 0x0c);
  json::object top{
      {"x402Version", 1},
      {"scheme", "exact"},
      {"network", "base"},
      {"payload", {{"signature", sign(a)}, {"authorization", x402_authorization_json(a)}}}};
  expect_refused(pay_v1(x402::base64_encode(json::serialize(top))), "network");
  expect_refused(pay_v1("not base64!"), "base64");
  expect_refused(pay_v2(x402::base64_encode("[1,2]")), "JSON object");
}

// ------------------------------------------------------------------------------------------------
// The pure parts.

TEST(x402_base64, round_trips_and_refuses_garbage) {
  for (const std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"})
    EXPECT_EQ(x402::base64_decode(x402::base64_encode(s)).value(), s);
  EXPECT_EQ(x402::base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(x402::base64_encode("fo"), "Zm8=");
  EXPECT_FALSE(x402::base64_decode("Zm9v!"));
  EXPECT_FALSE(x402::base64_decode("Z"));
}

TEST(x402_payment, the_deposit_key_depends_on_payer_and_nonce_only_once) {
  x402::x402_options o;
  x402::payment p;
  p.authorization.from = wire::samples::test_key(1).address();
  p.authorization.nonce.fill(7);
  const wire::id128 key = x402::idempotency_key(o, p);
  EXPECT_EQ(x402::idempotency_key(o, p), key);
  p.value_micros = 99;  // the amount does not make it another payment
  EXPECT_EQ(x402::idempotency_key(o, p), key);
  p.authorization.nonce[0] = 8;
  EXPECT_NE(x402::idempotency_key(o, p), key);
}

TEST(x402_payment, the_window_is_half_open) {
  x402::payment p;
  p.valid_after_s = 100;
  p.valid_before_s = 200;
  EXPECT_FALSE(x402::check_window(p, 99));
  EXPECT_TRUE(x402::check_window(p, 100));
  EXPECT_TRUE(x402::check_window(p, 199));
  EXPECT_FALSE(x402::check_window(p, 200));
}

}  // namespace
}  // namespace agora::net::testing
