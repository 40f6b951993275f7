// API-key accounts (net/gateway/accounts/): key text, hashes and ids; the derived account keys
// (and that x402's payer keys still derive as before); the durable key store over real RocksDB;
// and, over real HTTP against the gateway test world with accounts on, the 401s, creating
// accounts and keys (open or behind an admin token), deposits (unproven on a dev node, x402-paid
// when x402 is on, a replay refused), requests paid from the key's account (and only from it),
// 402 insufficient_quota with nothing charged, balances and revoked keys.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "core/amount.hpp"
#include "core/eip712.hpp"
#include "core/keccak.hpp"
#include "net/gateway/accounts/account_key.hpp"
#include "net/gateway/accounts/api_key.hpp"
#include "net/gateway/accounts/key_store.hpp"
#include "net/gateway/x402/base64.hpp"
#include "net/gateway/x402/payment.hpp"
#include "tests/net/gateway/x402_client.hpp"

namespace agora::net::testing {
namespace {

namespace json = boost::json;
namespace accounts = gateway::accounts;

// ------------------------------------------------------------------------------------------------
// Keys, ids and derivations.

TEST(api_key, is_the_prefix_and_32_random_bytes_in_hex) {
  seeded_random rng(1);
  const std::string key = accounts::generate_api_key(rng);
  EXPECT_TRUE(key.starts_with("sk-agora-"));
  EXPECT_EQ(key.size(), 9u + 64u);
  EXPECT_TRUE(accounts::looks_like_api_key(key));
  EXPECT_NE(accounts::generate_api_key(rng), key);
  EXPECT_FALSE(accounts::looks_like_api_key(key.substr(1)));
  EXPECT_FALSE(accounts::looks_like_api_key("sk-agora-" + std::string(64, 'G')));
  EXPECT_EQ(accounts::api_key_hash(key), sha256(as_bytes(key)));
  EXPECT_EQ(accounts::key_id_of(accounts::api_key_hash(key)),
            to_hex(byte_view(sha256(as_bytes(key))).first(8)));
}

TEST(api_key, bearer_credentials_and_account_ids_parse_strictly) {
  EXPECT_EQ(accounts::bearer_token("Bearer abc").value(), "abc");
  EXPECT_EQ(accounts::bearer_token("bearer   abc  ").value(), "abc");
  EXPECT_FALSE(accounts::bearer_token("Basic abc"));
  EXPECT_FALSE(accounts::bearer_token("Bearer "));
  EXPECT_FALSE(accounts::bearer_token("abc"));
  wire::id128 id{};
  id.fill(0xab);
  const std::string text = accounts::account_id_text(id);
  EXPECT_EQ(text, "acct_abababababababababababababababab");
  EXPECT_EQ(accounts::parse_account_id(text).value(), id);
  EXPECT_FALSE(accounts::parse_account_id(to_hex(id)));
  EXPECT_FALSE(accounts::parse_account_id("acct_zz"));
  EXPECT_TRUE(accounts::same_secret("token", "token"));
  EXPECT_FALSE(accounts::same_secret("token", "tokeN"));
  EXPECT_FALSE(accounts::same_secret("token", "token2"));
}

TEST(account_key, derives_one_key_per_account_and_keeps_x402s_payer_keys) {
  const private_key house = wire::samples::test_key(500);
  wire::id128 a{}, b{};
  a.fill(1);
  b.fill(2);
  const auto key_a = accounts::api_account_key(house, a).value();
  EXPECT_EQ(key_a.address(), accounts::api_account_key(house, a).value().address());
  EXPECT_NE(key_a.address(), accounts::api_account_key(house, b).value().address());
  EXPECT_NE(key_a.address(),
            accounts::api_account_key(wire::samples::test_key(501), a).value().address());
  // x402's payer accounts derive as they did before the derivation was shared.
  const address payer = wire::samples::test_key(700).address();
  bytes preimage;
  for (const byte_view part :
       {as_bytes("agora/x402/payer-account"), byte_view(house.secret()), byte_view(payer.raw())})
    preimage.insert(preimage.end(), part.begin(), part.end());
  EXPECT_EQ(gateway::x402::payer_account_key(house, payer).value().address(),
            private_key::from_bytes(keccak256(preimage)).value().address());
}

// ------------------------------------------------------------------------------------------------
// The key store.

class key_store_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("agora-keys-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::shared_ptr<storage::store> open() {
    auto s = storage::store::open({.path = dir_.string(), .sync = true});
    EXPECT_TRUE(s) << s.error().to_string();
    return std::shared_ptr<storage::store>(std::move(*s));
  }

  static accounts::key_entry entry(const std::string& key, uint8_t account_fill) {
    accounts::key_entry e;
    e.key_hash = accounts::api_key_hash(key);
    e.account_id.fill(account_fill);
    e.owner = wire::samples::test_key(600 + account_fill).address();
    e.name = "ci";
    e.created_unix_s = epoch_unix_s;
    return e;
  }

  std::filesystem::path dir_;
  seeded_random rng_{5};
};

TEST_F(key_store_test, keeps_keys_by_hash_across_a_reopen) {
  const std::string key = accounts::generate_api_key(rng_);
  {
    accounts::key_store keys(open());
    ASSERT_TRUE(keys.put(entry(key, 1)));
    auto again = keys.put(entry(key, 1));
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, errc::already_exists);
  }
  accounts::key_store keys(open());
  auto found = keys.find(accounts::api_key_hash(key));
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->account_id, entry(key, 1).account_id);
  EXPECT_EQ((*found)->owner, entry(key, 1).owner);
  EXPECT_EQ((*found)->name, "ci");
  EXPECT_FALSE((*found)->revoked);
  EXPECT_FALSE(keys.find(accounts::api_key_hash(key + "x"))->has_value());
}

TEST_F(key_store_test, revokes_only_the_owners_key_and_remembers_it) {
  const std::string mine = accounts::generate_api_key(rng_);
  const std::string other = accounts::generate_api_key(rng_);
  const std::string mine_id = accounts::key_id_of(accounts::api_key_hash(mine));
  {
    accounts::key_store keys(open());
    ASSERT_TRUE(keys.put(entry(mine, 1)));
    ASSERT_TRUE(keys.put(entry(other, 2)));
    EXPECT_EQ(keys.revoke(mine_id, entry(mine, 2).account_id).error().code, errc::not_found);
    EXPECT_EQ(keys.revoke("nothex", entry(mine, 1).account_id).error().code, errc::not_found);
    EXPECT_FALSE((*keys.find(accounts::api_key_hash(mine)))->revoked);
    ASSERT_TRUE(keys.revoke(mine_id, entry(mine, 1).account_id));
    ASSERT_TRUE(keys.revoke(mine_id, entry(mine, 1).account_id));  // idempotent
  }
  accounts::key_store keys(open());
  EXPECT_TRUE((*keys.find(accounts::api_key_hash(mine)))->revoked);
  EXPECT_FALSE((*keys.find(accounts::api_key_hash(other)))->revoked);
}

TEST_F(key_store_test, a_corrupt_record_is_an_error_not_an_account) {
  auto store = open();
  const std::string key = accounts::generate_api_key(rng_);
  storage::write_batch batch;
  batch.put(storage::column::tokens, accounts::api_key_hash(key), as_bytes("garbage"));
  ASSERT_TRUE(store->write(batch));
  accounts::key_store keys(store);
  auto found = keys.find(accounts::api_key_hash(key));
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, errc::corrupt);
}

// ------------------------------------------------------------------------------------------------
// Over HTTP, accounts on.

const std::string completion_body =
    R"({"model":"mock-model","prompt":"hello","max_tokens":8,"seed":7})";
// The Hold's worst case at the price cap: (5 prompt bytes + 1 + 8 max_tokens) × 200 micros.
constexpr int64_t worst_case_micros = 14 * (price_cap_micros / 1'000'000);

class accounts_test : public gateway_test {
 protected:
  void configure(gateway::gateway_actor_options& o, gateway::gateway_options& g) override {
    auto store = storage::store::open(
        {.path = "/gateway-accounts", .sync = false, .in_memory = true, .memory = memory_});
    ASSERT_TRUE(store);
    keys_ = std::make_shared<accounts::key_store>(std::move(*store));
    o.accounts = keys_;
    g.accounts_admin_token = admin_token_;
    if (x402_) {
      o.x402.enabled = true;
      o.x402.pay_to = escrow_key_.address();
    }
  }

  using header_list = std::vector<std::pair<std::string, std::string>>;

  http_reply call(http::verb method, const std::string& target, const std::string& body,
                  header_list headers) {
    return http_connection{port_}.call(method, target, body, headers);
  }
  http_reply call_with_key(http::verb method, const std::string& target, const std::string& key,
                           const std::string& body = {}) {
    return call(method, target, body, {{"Authorization", "Bearer " + key}});
  }

  /// A new account: its key, id and escrow address.
  struct created {
    std::string key, id, key_id;
    address owner;
  };
  created create_account(const header_list& headers = {}) {
    const http_reply r = call(http::verb::post, "/v1/accounts", R"({"name":"ci"})", headers);
    EXPECT_EQ(r.status, 200u) << r.body;
    if (r.status != 200)
      return {};
    const json::value v = r.json();
    return {std::string(v.at("api_key").as_string()), std::string(v.at("id").as_string()),
            std::string(v.at("key_id").as_string()),
            address::parse(v.at("address").as_string()).value()};
  }

  http_reply deposit(const std::string& key, int64_t micros, header_list extra = {}) {
    extra.emplace_back("Authorization", "Bearer " + key);
    return call(http::verb::post, "/v1/accounts/deposit",
                R"({"amount_micros":)" + std::to_string(micros) + "}", extra);
  }

  int64_t balance_of(const address& owner) { return balance(escrow::renter_balance(owner)); }

  static void expect_error(const http_reply& r, unsigned status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    const json::value e = r.json().at("error");
    if (code.empty())
      EXPECT_TRUE(e.at("code").is_null()) << r.body;
    else
      EXPECT_EQ(e.at("code").as_string(), code) << r.body;
    EXPECT_FALSE(e.at("message").as_string().empty());
  }

  /// The proof's cost of a served completion: its tokens at the provider's price.
  static int64_t cost_of(const json::value& body) {
    const int64_t tokens = body.at("usage").at("prompt_tokens").as_int64() +
                           body.at("usage").at("completion_tokens").as_int64();
    return cost_of_tokens(amount::from_micros(provider_price_micros), tokens).value().micros();
  }

  std::shared_ptr<accounts::key_store> keys_;
  std::string admin_token_;
  bool x402_ = false;
};

TEST_F(accounts_test, a_request_without_a_valid_key_gets_401_in_openais_shape) {
  const http_reply none = post("/v1/completions", completion_body);
  expect_error(none, 401, "");
  EXPECT_NE(none.body.find("didn't provide an API key"), std::string::npos);
  EXPECT_EQ(none.json().at("error").at("type").as_string(), "invalid_request_error");
  seeded_random rng(77);
  const std::string unknown = accounts::generate_api_key(rng);
  const http_reply wrong = call_with_key(http::verb::post, "/v1/chat/completions", unknown,
                                         R"({"model":"mock-model","messages":[]})");
  expect_error(wrong, 401, "invalid_api_key");
  EXPECT_NE(wrong.body.find("Incorrect API key provided: sk-agor"), std::string::npos);
  EXPECT_EQ(wrong.body.find(unknown), std::string::npos);  // never echoed whole
  expect_error(call_with_key(http::verb::post, "/v1/embeddings", "not-a-key",
                             R"({"model":"mock-model","input":"hi"})"),
               401, "invalid_api_key");
  expect_error(get("/v1/account"), 401, "");
  EXPECT_EQ(house_balance(), house_deposit_micros);  // nothing was held
}

TEST_F(accounts_test, creating_an_account_returns_its_key_once_and_its_derived_address) {
  const http_reply r = call(http::verb::post, "/v1/accounts", "", {});
  ASSERT_EQ(r.status, 200u) << r.body;
  const json::object v = r.json().as_object();
  EXPECT_EQ(v.at("object").as_string(), "account");
  const std::string key(v.at("api_key").as_string());
  EXPECT_TRUE(accounts::looks_like_api_key(key));
  const auto id = accounts::parse_account_id(v.at("id").as_string());
  ASSERT_TRUE(id);
  EXPECT_EQ(v.at("address").as_string(),
            accounts::api_account_key(house_key_, *id).value().address().to_string());
  EXPECT_EQ(v.at("key_id").as_string(), accounts::key_id_of(accounts::api_key_hash(key)));
  EXPECT_EQ(v.at("available_micros").as_int64(), 0);
  // Only the hash is stored.
  auto stored = keys_->find(accounts::api_key_hash(key));
  ASSERT_TRUE(stored && stored->has_value());
  EXPECT_EQ((*stored)->account_id, *id);
  const http_reply account = call_with_key(http::verb::get, "/v1/account", key);
  ASSERT_EQ(account.status, 200u) << account.body;
  EXPECT_EQ(account.json().at("id").as_string(), v.at("id").as_string());
  EXPECT_EQ(account.json().at("available_micros").as_int64(), 0);
  expect_error(call(http::verb::post, "/v1/accounts", R"({"name":7})", {}), 400, "invalid_type");
  expect_error(call(http::verb::post, "/v1/accounts", "[", {}), 400, "");
}

TEST_F(accounts_test, an_empty_account_gets_402_insufficient_quota_and_pays_nothing) {
  const created a = create_account();
  const http_reply r = call_with_key(http::verb::post, "/v1/completions", a.key, completion_body);
  expect_error(r, 402, "insufficient_quota");
  EXPECT_EQ(r.json().at("error").at("type").as_string(), "insufficient_quota");
  // One micro-unit short of the worst case is still short.
  ASSERT_EQ(deposit(a.key, worst_case_micros - 1).status, 200u);
  expect_error(call_with_key(http::verb::post, "/v1/completions", a.key, completion_body), 402,
               "insufficient_quota");
  expect_error(call_with_key(http::verb::post, "/v1/embeddings", a.key,
                             R"({"model":"mock-model","input":"hello world hello world"})"),
               402, "insufficient_quota");
  EXPECT_EQ(balance_of(a.owner), worst_case_micros - 1);
  EXPECT_EQ(house_balance(), house_deposit_micros);
}

TEST_F(accounts_test, a_funded_key_pays_from_its_own_account_only) {
  const created a = create_account();
  const created b = create_account();
  const http_reply d = deposit(a.key, 1'000'000);
  ASSERT_EQ(d.status, 200u) << d.body;
  EXPECT_EQ(d.json().at("credited_micros").as_int64(), 1'000'000);
  EXPECT_EQ(d.json().at("available_micros").as_int64(), 1'000'000);
  const http_reply r = call_with_key(http::verb::post, "/v1/completions", a.key, completion_body);
  ASSERT_EQ(r.status, 200u) << r.body;
  const int64_t cost = cost_of(r.json());
  ASSERT_GT(cost, 0);
  EXPECT_TRUE(wait_until([&] { return balance_of(a.owner) == 1'000'000 - cost; }))
      << balance_of(a.owner);
  const http_reply shown = call_with_key(http::verb::get, "/v1/account", a.key);
  EXPECT_EQ(shown.json().at("available_micros").as_int64(), 1'000'000 - cost);
  EXPECT_EQ(shown.json().at("address").as_string(), a.owner.to_string());
  // A stream and embeddings are paid the same way.
  const http_reply s = call_with_key(
      http::verb::post, "/v1/completions", a.key,
      R"({"model":"mock-model","prompt":"hello","max_tokens":8,"seed":7,"stream":true})");
  EXPECT_EQ(s.status, 200u);
  EXPECT_NE(s.body.find("data: [DONE]"), std::string::npos);
  const http_reply e = call_with_key(http::verb::post, "/v1/embeddings", a.key,
                                     R"({"model":"mock-model","input":["hi","there"]})");
  EXPECT_EQ(e.status, 200u) << e.body;
  EXPECT_TRUE(wait_until([&] { return balance_of(a.owner) < 1'000'000 - cost; }));
  EXPECT_EQ(balance_of(b.owner), 0);
  EXPECT_EQ(house_balance(), house_deposit_micros);  // the house paid for nothing
}

TEST_F(accounts_test, deposits_refuse_bad_amounts_and_need_a_key) {
  const created a = create_account();
  for (const std::string body :
       {R"({})", R"({"amount_micros":0})", R"({"amount_micros":-5})", R"({"amount_micros":1.5})",
        R"({"amount_micros":"100"})", R"({"amount_micros":1000000000001})"})
    expect_error(call_with_key(http::verb::post, "/v1/accounts/deposit", a.key, body), 400,
                 "invalid_value");
  expect_error(call(http::verb::post, "/v1/accounts/deposit", R"({"amount_micros":5})", {}), 401,
               "");
  EXPECT_EQ(balance_of(a.owner), 0);
}

TEST_F(accounts_test, more_keys_for_one_account_and_a_revoked_key_stops_working) {
  const created a = create_account();
  const created b = create_account();
  ASSERT_EQ(deposit(a.key, 100'000).status, 200u);
  const http_reply more =
      call_with_key(http::verb::post, "/v1/accounts/keys", a.key, R"({"name":"second"})");
  ASSERT_EQ(more.status, 200u) << more.body;
  EXPECT_EQ(more.json().at("account").as_string(), a.id);
  const std::string second(more.json().at("api_key").as_string());
  const http_reply by_second = call_with_key(http::verb::get, "/v1/account", second);
  EXPECT_EQ(by_second.json().at("available_micros").as_int64(), 100'000);
  // Another account cannot revoke a's key; an unknown id is 404.
  expect_error(call_with_key(http::verb::delete_, "/v1/accounts/keys/" + a.key_id, b.key), 404,
               "api_key_not_found");
  expect_error(call_with_key(http::verb::delete_, "/v1/accounts/keys/0011223344556677", a.key), 404,
               "api_key_not_found");
  const http_reply revoked =
      call_with_key(http::verb::delete_, "/v1/accounts/keys/" + a.key_id, second);
  ASSERT_EQ(revoked.status, 200u) << revoked.body;
  EXPECT_TRUE(revoked.json().at("deleted").as_bool());
  expect_error(call_with_key(http::verb::post, "/v1/completions", a.key, completion_body), 401,
               "invalid_api_key");
  EXPECT_EQ(call_with_key(http::verb::post, "/v1/completions", second, completion_body).status,
            200u);
}

TEST_F(accounts_test, a_rental_is_prepaid_from_the_callers_account_and_seen_only_by_it) {
  const created a = create_account();
  const created b = create_account();
  ASSERT_EQ(deposit(a.key, 3'000'000).status, 200u);
  const std::string order = R"({"providerId":")" + provider_key_.address().to_string() +
                            R"(","durationHours":1,"gpuCount":1,"sshPublicKey":)"
                            R"("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5)"
                            R"(C9okWi0dh2l9GKJl ci@host"})";
  expect_error(post("/v1/sessions", order), 401, "");
  expect_error(call_with_key(http::verb::post, "/v1/sessions", b.key, order), 402,
               "insufficient_funds");
  const http_reply opened = call_with_key(http::verb::post, "/v1/sessions", a.key, order);
  ASSERT_EQ(opened.status, 200u) << opened.body;
  const std::string session = "/v1/sessions/" + std::string(opened.json().at("id").as_string());
  EXPECT_EQ(balance_of(a.owner), 1'000'000);  // 1 h × 1 GPU × 2 prepaid
  EXPECT_EQ(house_balance(), house_deposit_micros);
  expect_error(get(session), 401, "");
  expect_error(call_with_key(http::verb::get, session, b.key), 404, "session_not_found");
  expect_error(call_with_key(http::verb::delete_, session, b.key), 404, "session_not_found");
  EXPECT_EQ(call_with_key(http::verb::get, session, a.key).status, 200u);
  const http_reply ended = call_with_key(http::verb::delete_, session, a.key);
  ASSERT_EQ(ended.status, 200u) << ended.body;
  EXPECT_EQ(balance_of(a.owner), 3'000'000 - ended.json().at("chargedMicros").as_int64());
  EXPECT_EQ(balance_of(b.owner), 0);
  EXPECT_EQ(house_balance(), house_deposit_micros);  // the house paid for nothing
}

class accounts_admin_test : public accounts_test {
 protected:
  accounts_admin_test() { admin_token_ = "operator-secret"; }
};

TEST_F(accounts_admin_test, only_the_admin_token_creates_accounts) {
  expect_error(call(http::verb::post, "/v1/accounts", "", {}), 401, "");
  expect_error(call(http::verb::post, "/v1/accounts", "", {{"Authorization", "Bearer nope"}}), 401,
               "invalid_api_key");
  const created a = create_account({{"Authorization", "Bearer operator-secret"}});
  EXPECT_TRUE(accounts::looks_like_api_key(a.key));
  // The admin token is not an account's key.
  expect_error(call_with_key(http::verb::get, "/v1/account", "operator-secret"), 401,
               "invalid_api_key");
}

// ------------------------------------------------------------------------------------------------
// Accounts and x402 together.

class accounts_x402_test : public accounts_test {
 protected:
  accounts_x402_test() { x402_ = true; }

  /// X-PAYMENT (version 1) of a TransferWithAuthorization of `value` from the payer to the
  /// escrow, valid now, signed.
  std::string payment(int64_t value, uint8_t nonce_fill) const {
    const gateway::x402::x402_options o{.enabled = true, .pay_to = escrow_key_.address()};
    const auto a = x402_authorization(o, payer_.address(), value, nonce_fill);
    return x402_header_v1(o, a, x402_sign(o, payer_, a));
  }

  private_key payer_ = wire::samples::test_key(700);
};

TEST_F(accounts_x402_test, anonymous_callers_get_x402s_402_and_wrong_keys_get_401) {
  const http_reply anonymous = post("/v1/completions", completion_body);
  EXPECT_EQ(anonymous.status, 402u) << anonymous.body;
  EXPECT_EQ(anonymous.json().at("x402Version").as_int64(), 1);
  expect_error(
      call_with_key(http::verb::post, "/v1/completions", "sk-agora-wrong", completion_body), 401,
      "invalid_api_key");
  // A wrong key with a payment is an x402 caller (an SDK sends a placeholder key).
  const http_reply paid = call(
      http::verb::post, "/v1/completions", completion_body,
      {{"Authorization", "Bearer placeholder"}, {"X-PAYMENT", payment(worst_case_micros, 0x41)}});
  EXPECT_EQ(paid.status, 200u) << paid.body;
}

TEST_F(accounts_x402_test, a_deposit_is_paid_with_x402_once) {
  const created a = create_account();
  const http_reply unpaid = deposit(a.key, 50'000);
  ASSERT_EQ(unpaid.status, 402u) << unpaid.body;
  EXPECT_EQ(unpaid.json().at("accepts").at(0).at("maxAmountRequired").as_string(), "50000");
  EXPECT_EQ(deposit(a.key, 50'000, {{"X-PAYMENT", "garbage"}}).status, 402u);
  EXPECT_EQ(deposit(a.key, 50'000, {{"X-PAYMENT", payment(49'999, 0x51)}}).status, 402u);
  const std::string header = payment(60'000, 0x52);
  const http_reply paid = deposit(a.key, 50'000, {{"X-PAYMENT", header}});
  ASSERT_EQ(paid.status, 200u) << paid.body;
  EXPECT_EQ(paid.json().at("credited_micros").as_int64(), 60'000);  // the whole authorization
  EXPECT_FALSE(paid.header("x-payment-response").empty());
  const http_reply replay = deposit(a.key, 50'000, {{"X-PAYMENT", header}});
  EXPECT_EQ(replay.status, 402u) << replay.body;
  EXPECT_NE(replay.body.find("nonce"), std::string::npos);
  EXPECT_EQ(balance_of(a.owner), 60'000);
  // The key now pays without a payment.
  EXPECT_EQ(call_with_key(http::verb::post, "/v1/completions", a.key, completion_body).status,
            200u);
}

}  // namespace
}  // namespace agora::net::testing
