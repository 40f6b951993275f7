// The shared CAF message types: wire::frame through CAF's binary serializer and through an actor,
// the agora error category, and the wall-clock mapping on virtual time.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "actors/common/caf_error.hpp"
#include "schemas/envelope.hpp"
#include "tests/actors/common/actor_test.hpp"
#include "tests/schemas/samples.hpp"

namespace agora::actors {
namespace {

using namespace std::chrono_literals;
using testing::actor_test;

wire::frame sample_frame() {
  auto key = wire::samples::test_key(1);
  auto beat = wire::samples::sample(std::type_identity<wire::Heartbeat>{}, key);
  return wire::frame{wire::message_kind::Heartbeat, wire::seal(beat, key)};
}

class message_types_test : public actor_test {};

TEST_F(message_types_test, frame_round_trips_through_binary_serializer) {
  const wire::frame in = sample_frame();
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  auto x = in;
  ASSERT_FALSE(sink(x));
  EXPECT_GT(buf.size(), in.data.size());
  wire::frame out;
  caf::binary_deserializer source{sys, buf};
  ASSERT_FALSE(source(out));
  EXPECT_EQ(out, in);
  auto opened = wire::open(out.data);
  ASSERT_TRUE(opened) << opened.error().to_string();
  EXPECT_EQ(opened->kind(), wire::message_kind::Heartbeat);
}

TEST_F(message_types_test, truncated_frame_fails_to_deserialize) {
  auto in = sample_frame();
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  ASSERT_FALSE(sink(in));
  buf.resize(buf.size() / 2);
  wire::frame out;
  caf::binary_deserializer source{sys, buf};
  EXPECT_TRUE(static_cast<bool>(source(out)));
}

TEST_F(message_types_test, frame_goes_through_an_actor) {
  std::vector<wire::frame> received;
  auto echo = sys.spawn([&received](caf::event_based_actor*) -> caf::behavior {
    return {[&received](const wire::frame& f) { received.push_back(f); }};
  });
  run();
  caf::anon_send(echo, sample_frame());
  run();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0], sample_frame());
  caf::anon_send_exit(echo, caf::exit_reason::user_shutdown);
  run();
}

TEST_F(message_types_test, agora_error_survives_caf) {
  auto in = make_error(errc::limit_exceeded, "queue holds 4 requests");
  caf::error e = to_caf_error(in);
  EXPECT_EQ(e.category(), error_category);
  auto out = from_caf_error(e);
  EXPECT_EQ(out.code, errc::limit_exceeded);
  EXPECT_EQ(out.message, in.message);
  EXPECT_NE(sys.render(e).find("queue holds 4 requests"), std::string::npos);
}

TEST_F(message_types_test, foreign_caf_error_is_io_error) {
  auto out = from_caf_error(caf::make_error(caf::sec::request_timeout));
  EXPECT_EQ(out.code, errc::io_error);
  EXPECT_NE(out.message.find("request_timeout"), std::string::npos);
}

TEST_F(message_types_test, wall_clock_follows_virtual_time) {
  const wall_clock_map map = clock_map();
  std::vector<int64_t> seen;
  auto reader = sys.spawn([map, &seen](caf::event_based_actor* self) -> caf::behavior {
    return {[=, &seen](caf::get_atom) { seen.push_back(unix_nanoseconds(map.now(self))); }};
  });
  run();
  caf::anon_send(reader, caf::get_atom_v);
  run();
  advance(90s);
  caf::anon_send(reader, caf::get_atom_v);
  run();
  const int64_t epoch_ns = testing::epoch_unix_s * 1'000'000'000;
  EXPECT_EQ(seen, (std::vector<int64_t>{epoch_ns, epoch_ns + 90'000'000'000}));
  EXPECT_EQ(unix_seconds(map.at(map.t0 + 61s)), testing::epoch_unix_s + 61);
  caf::anon_send_exit(reader, caf::exit_reason::user_shutdown);
  run();
}

}  // namespace
}  // namespace agora::actors
