// The gateway's rental API end to end: real loopback HTTP into a gateway over an in-process market
// (gateway_fixture.hpp: escrow, relay, one provider with one H100 at 2 per GPU-hour, the house
// account holding 5). Opening a session prepays hours × rate × GPUs from the house account and
// answers the provider's connection details with an honest note of what was provisioned; ending
// it early charges the seconds used and refunds the rest, exactly as the escrow moved the money;
// every refusal (bad fields, unknown provider or session, short funds, a busy provider, an ended
// session) changes no balance. The session records (rental_book) and figures are checked too.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include "actors/provider/rental.hpp"
#include "net/gateway/rentals/rental_book.hpp"
#include "net/gateway/rentals/rental_messages.hpp"
#include "net/gateway/rentals/rental_routes.hpp"
#include "tests/net/gateway/gateway_fixture.hpp"

namespace agora::net::testing {
namespace {

namespace json = boost::json;
using gateway::rentals::rental_book;
using gateway::rentals::rental_record;

constexpr int64_t gpu_hour_micros = 2'000'000;  // the fixture provider's rate
constexpr const char* ssh_key =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl renter@host";

/// A JSON string's text; empty for anything else.
std::string str(const json::value& v) {
  return v.is_string() ? std::string(v.get_string()) : std::string{};
}

std::string order(const std::string& provider, int hours, int gpus) {
  return json::serialize(json::object{{"providerId", provider},
                                      {"durationHours", hours},
                                      {"gpuCount", gpus},
                                      {"sshPublicKey", ssh_key}});
}

class rentals_test : public gateway_test {
 protected:
  std::string provider() const { return provider_key_.address().to_string(); }

  http_reply open(int hours, int gpus) {
    return post("/v1/sessions", order(provider(), hours, gpus));
  }
  http_reply close(const std::string& id) {
    return http_call(port_, http::verb::delete_, "/v1/sessions/" + id);
  }

  /// Waits until the market's clock is early in a second, so a call that takes milliseconds
  /// sees the same second on the gateway and on the escrow.
  void wait_for_fresh_second() {
    ASSERT_TRUE(wait_until([this] {
      const auto since_epoch = clock_.at(sys.clock().now()).time_since_epoch();
      return since_epoch % std::chrono::seconds(1) < std::chrono::milliseconds(300);
    }));
  }

  static std::string error_code(const http_reply& r) {
    const json::value body = r.json();
    const json::value& code = body.at("error").at("code");
    return code.is_string() ? std::string(code.get_string()) : "null";
  }

  /// An open session's id, after checking the answer.
  std::string open_one_gpu_hour() {
    const http_reply r = open(1, 1);
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.status == 200 ? std::string(r.json().at("id").get_string()) : std::string{};
  }
};

TEST_F(rentals_test, a_session_opens_prepaid_and_ends_early_with_the_rest_refunded) {
  const http_reply opened = open(1, 1);
  ASSERT_EQ(opened.status, 200u) << opened.body;
  const json::object s = opened.json().as_object();
  EXPECT_EQ(str(s.at("object")), "rental_session");
  EXPECT_EQ(str(s.at("status")), "active");
  EXPECT_EQ(str(s.at("provider")), provider());
  EXPECT_EQ(s.at("gpuCount").as_int64(), 1);
  EXPECT_EQ(str(s.at("gpu")), "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(s.at("durationHours").as_int64(), 1);
  EXPECT_EQ(s.at("pricePerGpuHourMicros").as_int64(), gpu_hour_micros);
  EXPECT_EQ(s.at("prepaidMicros").as_int64(), gpu_hour_micros);  // 1 h × 1 GPU × 2
  EXPECT_EQ(s.at("expiresAt").as_int64() - s.at("startedAt").as_int64(), 3'600);
  const std::string id(s.at("id").get_string());
  EXPECT_EQ(id.size(), 32u);
  // The connection details exactly as the provider granted them, and what that really is.
  EXPECT_EQ(str(s.at("connection").at("endpoint")), "placeholder://" + provider() + "/" + id);
  EXPECT_EQ(str(s.at("connection").at("providerNote")), actors::provisioning_note);
  EXPECT_EQ(str(s.at("provisioned")), gateway::rentals::provisioned_note);
  EXPECT_FALSE(s.contains("refundedMicros"));
  EXPECT_EQ(house_balance(), house_deposit_micros - gpu_hour_micros);

  const http_reply read = get("/v1/sessions/" + id);
  ASSERT_EQ(read.status, 200u) << read.body;
  EXPECT_EQ(str(read.json().at("status")), "active");
  EXPECT_EQ(read.json().at("connection"), s.at("connection"));

  std::this_thread::sleep_for(1100ms);  // some time used: a charge above zero
  wait_for_fresh_second();
  const http_reply ended = close(id);
  ASSERT_EQ(ended.status, 200u) << ended.body;
  const json::object e = ended.json().as_object();
  EXPECT_EQ(str(e.at("status")), "ended");
  EXPECT_EQ(str(e.at("endReason")), "RenterClosed");
  const int64_t used = e.at("usedSeconds").as_int64();
  const int64_t charged = e.at("chargedMicros").as_int64();
  EXPECT_GE(used, 1);
  EXPECT_LT(used, 60);
  EXPECT_EQ(charged, (used * gpu_hour_micros + 3'599) / 3'600);  // rounded up to the micro
  EXPECT_EQ(e.at("refundedMicros").as_int64(), gpu_hour_micros - charged);
  // What the gateway reports is what the escrow moved.
  EXPECT_EQ(house_balance(), house_deposit_micros - charged);
  EXPECT_EQ(balance(escrow::provider_earnings(provider_key_.address())) +
                balance(escrow::protocol_fee_account()),
            charged);

  const http_reply after = get("/v1/sessions/" + id);  // the record outlives the session
  ASSERT_EQ(after.status, 200u) << after.body;
  EXPECT_EQ(after.json(), ended.json());
  const http_reply again = close(id);
  EXPECT_EQ(again.status, 410u) << again.body;
  EXPECT_EQ(error_code(again), "session_ended");
  EXPECT_EQ(house_balance(), house_deposit_micros - charged);
}

TEST_F(rentals_test, bad_fields_are_400_and_change_nothing) {
  const std::string p = provider();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[]", ""},
      {"{\"durationHours\":1,\"gpuCount\":1,\"sshPublicKey\":\"x\"}", "providerId"},
      {order("0x1234", 1, 1), "providerId"},
      {order(p, 0, 1), "durationHours"},
      {order(p, 721, 1), "durationHours"},
      {order(p, 1, 0), "gpuCount"},
      {order(p, 1, 65), "gpuCount"},
      {"{\"providerId\":\"" + p + "\",\"durationHours\":1.5,\"gpuCount\":1,\"sshPublicKey\":\"" +
           ssh_key + "\"}",
       "durationHours"},
      {"{\"providerId\":\"" + p + "\",\"durationHours\":1,\"gpuCount\":1}", "sshPublicKey"},
      {"{\"providerId\":\"" + p +
           "\",\"durationHours\":1,\"gpuCount\":1,\"sshPublicKey\":\"ssh-ed25519 not base64!\"}",
       "sshPublicKey"},
      {"{\"providerId\":\"" + p +
           "\",\"durationHours\":1,\"gpuCount\":1,\"sshPublicKey\":\"hello AAAA\"}",
       "sshPublicKey"},
      {order(p, 1, 2), "gpuCount"},  // the provider has one GPU
  };
  for (const auto& [body, param] : cases) {
    const http_reply r = post("/v1/sessions", body);
    EXPECT_EQ(r.status, 400u) << body << " → " << r.body;
    const json::value answer = r.json();
    const json::value& named = answer.at("error").at("param");
    EXPECT_EQ(named.is_null() ? "" : std::string(named.get_string()), param) << body;
  }
  EXPECT_EQ(house_balance(), house_deposit_micros);
  EXPECT_EQ(relay_status().rentals, 0u);
}

TEST_F(rentals_test, an_unknown_provider_or_session_is_404) {
  const http_reply r = post("/v1/sessions", order(house_key_.address().to_string(), 1, 1));
  EXPECT_EQ(r.status, 404u) << r.body;
  EXPECT_EQ(error_code(r), "provider_not_found");
  const std::string unknown(32, 'a');
  for (const std::string& id : {unknown, std::string("xyz"), std::string(31, '0')}) {
    const http_reply read = get("/v1/sessions/" + id);
    EXPECT_EQ(read.status, 404u) << id << " → " << read.body;
    EXPECT_EQ(error_code(read), "session_not_found");
    const http_reply ended = close(id);
    EXPECT_EQ(ended.status, 404u) << id << " → " << ended.body;
  }
  EXPECT_EQ(house_balance(), house_deposit_micros);
}

TEST_F(rentals_test, a_prepayment_over_the_balance_is_402) {
  const http_reply r = open(3, 1);  // 6 > the house's 5
  EXPECT_EQ(r.status, 402u) << r.body;
  EXPECT_EQ(error_code(r), "insufficient_funds");
  EXPECT_EQ(house_balance(), house_deposit_micros);
  EXPECT_EQ(relay_status().rentals, 0u);  // the relay was never asked
}

TEST_F(rentals_test, a_provider_without_a_free_gpu_is_503_and_the_hold_comes_back) {
  const std::string first = open_one_gpu_hour();
  ASSERT_FALSE(first.empty());
  const http_reply busy = open(1, 1);  // its only GPU is rented
  EXPECT_EQ(busy.status, 503u) << busy.body;
  EXPECT_EQ(error_code(busy), "provider_unavailable");
  EXPECT_NE(busy.body.find("no free GPUs"), std::string::npos) << busy.body;
  // The relay refunds the second hold.
  EXPECT_TRUE(
      wait_until([this] { return house_balance() == house_deposit_micros - gpu_hour_micros; }));
}

TEST_F(rentals_test, two_ends_at_once_settle_once) {
  const std::string id = open_one_gpu_hour();
  ASSERT_FALSE(id.empty());
  wait_for_fresh_second();
  http_reply one;
  std::thread other([&] { one = close(id); });
  const http_reply two = close(id);
  other.join();
  std::vector<unsigned> statuses{one.status, two.status};
  std::sort(statuses.begin(), statuses.end());
  EXPECT_EQ(statuses[0], 200u) << one.body << two.body;
  EXPECT_TRUE(statuses[1] == 409u || statuses[1] == 410u) << one.body << two.body;
  const http_reply& ended = one.status == 200 ? one : two;
  EXPECT_EQ(house_balance(), house_deposit_micros - ended.json().at("chargedMicros").as_int64());
}

// ------------------------------------------------------------------------------------------------
// The records and figures without HTTP.

class rental_record_test : public ::testing::Test {
 protected:
  /// A granted record: `hours` of one GPU at 2 per GPU-hour, starting at 1,000.
  rental_record granted(uint8_t fill, uint32_t hours) {
    gateway::rentals::rental_ask ask;
    ask.order.provider = provider_.address();
    ask.order.duration_hours = hours;
    ask.order.gpu_count = 1;
    ask.price_per_gpu_hour_micros = gpu_hour_micros;
    ask.prepaid_micros = gpu_hour_micros * hours;
    ask.session_id = wire::samples::make_id(fill);
    ask.hold_id = wire::samples::make_id(static_cast<uint8_t>(fill + 0x40));
    ask.created_unix_s = 1'000;
    wire::SessionGrantT g;
    g.relay = wire::to_wire(relay_.address());
    g.renter = wire::to_wire(renter_.address());
    g.provider = wire::to_wire(provider_.address());
    g.session_id = wire::to_wire(ask.session_id);
    g.gpu = std::make_unique<wire::GpuInfoT>();
    g.gpu->name = "H100";
    g.gpu->vram_bytes = 1;
    g.gpu->count = 1;
    g.price_per_gpu_hour_micros = gpu_hour_micros;
    g.starts_unix_s = 1'000;
    g.expires_unix_s = 1'000 + ask.duration_s();
    rental_record r;
    r.session_id = ask.session_id;
    r.request = gateway::rentals::seal_session_request(ask, renter_).value().data;
    r.grant = wire::seal(g, relay_);
    return r;
  }

  private_key renter_ = wire::samples::test_key(1);
  private_key relay_ = wire::samples::test_key(2);
  private_key provider_ = wire::samples::test_key(3);
};

TEST_F(rental_record_test, figures_follow_the_escrows_rule) {
  rental_record r = granted(1, 2);
  const auto terms = gateway::rentals::terms_of(r).value();
  EXPECT_EQ(terms.prepaid_micros, 4'000'000);
  EXPECT_EQ(terms.renter, renter_.address());
  auto running = gateway::rentals::figures_of(terms, r, 1'000 + 1'001);
  EXPECT_EQ(running.used_seconds, 1'001);
  EXPECT_EQ(running.charged_micros, 556'112);  // ceil(1,001 × 2,000,000 / 3,600)
  EXPECT_EQ(running.refunded_micros, 0);
  r.state = wire::SessionState::Ended;
  r.ended_unix_s = 1'000 + 1'001;
  auto early = gateway::rentals::figures_of(terms, r, 99'999);  // ended: `now` plays no part
  EXPECT_EQ(early.charged_micros, 556'112);
  EXPECT_EQ(early.refunded_micros, 4'000'000 - 556'112);
  r.ended_unix_s = 1'000 + 7'200;  // expired: the whole hold
  auto expired = gateway::rentals::figures_of(terms, r, 0);
  EXPECT_EQ(expired.used_seconds, 7'200);
  EXPECT_EQ(expired.charged_micros, 4'000'000);
  EXPECT_EQ(expired.refunded_micros, 0);
}

TEST_F(rental_record_test, the_book_keeps_ended_records_on_disk_after_memory_forgot_them) {
  auto memory = std::make_shared<storage::memory_env>();
  const storage::store_options options{
      .path = "/gateway", .sync = false, .in_memory = true, .memory = memory};
  std::shared_ptr<storage::store> durable = std::move(storage::store::open(options).value());
  rental_book book{1, durable};
  rental_record a = granted(1, 1);
  rental_record b = granted(2, 1);
  ASSERT_TRUE(book.put(a));
  ASSERT_TRUE(book.put(b));
  EXPECT_EQ(book.active(), 2u);
  a.state = b.state = wire::SessionState::Ended;
  a.ended_unix_s = b.ended_unix_s = 2'000;
  ASSERT_TRUE(book.put(a));
  ASSERT_TRUE(book.put(b));  // a leaves memory: one ended record is kept there
  EXPECT_EQ(book.active(), 0u);
  auto found = book.find(a.session_id);  // from RocksDB
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->state, wire::SessionState::Ended);
  EXPECT_EQ(found->ended_unix_s, 2'000);
  EXPECT_EQ(found->grant, a.grant);

  rental_book memory_only{1};
  ASSERT_TRUE(memory_only.put(a));
  ASSERT_TRUE(memory_only.put(b));
  EXPECT_FALSE(memory_only.find(a.session_id).has_value());  // documented: memory is bounded
  EXPECT_TRUE(memory_only.find(b.session_id).has_value());
  EXPECT_FALSE(book.find(wire::samples::make_id(9)).has_value());
}

}  // namespace
}  // namespace agora::net::testing
