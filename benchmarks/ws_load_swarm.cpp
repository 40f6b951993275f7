// The provider swarm of the network suite (ws_load_swarm.hpp). Everything runs on the swarm's one
// io_context thread, so peers need no strands; the counters are the only shared state.
#include "benchmarks/ws_load_swarm.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <vector>

#include "core/assert.hpp"
#include "core/clock.hpp"
#include "core/key.hpp"
#include "core/random.hpp"
#include "schemas/envelope.hpp"
#include "schemas/wire_types.hpp"

namespace agora::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

class peer;

}  // namespace

class ws_load_swarm::runtime {
 public:
  explicit runtime(ws_load_options o)
      : options(std::move(o)), to(asio::ip::make_address(options.host), options.port) {}

  void dial_next();  // starts dials until dials_in_flight_max are under way
  void dial_done() {
    AGORA_ASSERT(dials_in_flight > 0);
    --dials_in_flight;
    dial_next();
  }
  int64_t now_unix_s() const { return unix_seconds(clock.now()); }

  const ws_load_options options;
  const asio::ip::tcp::endpoint to;
  asio::io_context ioc;
  system_clock_source clock;  // wall time for the timestamps the relay checks (±60 s)
  ws_load_counters counters;
  std::vector<std::shared_ptr<peer>> peers;
  size_t dials_in_flight = 0;
};

namespace {

/// One simulated provider: dial, upgrade, Register, then Heartbeats until closed.
class peer : public std::enable_shared_from_this<peer> {
 public:
  peer(ws_load_swarm::runtime& rt, size_t index, seeded_random rng)
      : rt_(rt), index_(index), key_(private_key::generate(rng)), self_id_(key_.address()),
        session_id_(16, 0), ws_(rt.ioc), timer_(rt.ioc) {
    rng.fill(session_id_);
  }

  void dial() {
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(30));
    beast::get_lowest_layer(ws_).async_connect(
        rt_.to, [self = shared_from_this()](beast::error_code ec) { self->on_connect(ec); });
  }

  void close() {
    closed_ = true;
    timer_.cancel();
    beast::get_lowest_layer(ws_).close();
  }

 private:
  void on_connect(beast::error_code ec) {
    if (ec)
      return fail();
    const std::string host = rt_.options.host + ":" + std::to_string(rt_.options.port);
    ws_.async_handshake(host, "/v1/provider/connect",
                        [self = shared_from_this()](beast::error_code e) { self->on_upgrade(e); });
  }

  void on_upgrade(beast::error_code ec) {
    if (ec)
      return fail();
    beast::get_lowest_layer(ws_).expires_never();
    ++rt_.counters.upgraded;
    ws_.binary(true);
    if (rt_.options.send_register)
      write(wire::seal(make_register(), key_));
    else
      release_dial();  // nothing to wait for
    read();
  }

  wire::RegisterT make_register() const {
    wire::RegisterT m;
    m.provider = wire::to_wire(self_id_);
    m.relay = wire::to_wire(rt_.options.relay_id);
    m.session_id = session_id_;
    m.timestamp_unix_s = rt_.now_unix_s();
    auto gpu = std::make_unique<wire::GpuInfoT>();
    gpu->name = "NVIDIA H100 80GB HBM3";
    gpu->vram_bytes = uint64_t{80} << 30;
    gpu->count = 1;
    m.gpus.push_back(std::move(gpu));
    auto offer = std::make_unique<wire::ModelOfferT>();
    offer->id = "mock-model";
    offer->max_context = 4'096;
    m.models.push_back(std::move(offer));
    m.region = "eu-west";
    m.price_per_million_tokens_micros = 100'000 + static_cast<int64_t>(index_ % 1'000);
    m.max_concurrency = 4;
    return m;
  }

  void read() {
    ws_.async_read(
        buffer_, [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec)
      return fail();
    const auto* data = static_cast<const uint8_t*>(buffer_.data().data());
    const wire::message_kind kind = wire::peek_kind(byte_view(data, buffer_.size()));
    buffer_.consume(buffer_.size());
    if (kind == wire::message_kind::Registered && !registered_) {
      registered_ = true;
      ++rt_.counters.registered;
      release_dial();
      // Spread the first Heartbeats evenly over one interval: a steady rate at the relay.
      const auto interval = rt_.options.heartbeat_interval;
      arm_heartbeat(interval * static_cast<int64_t>(index_ % 1'000) / 1'000 + interval / 1'000);
    } else if (kind == wire::message_kind::ErrorFrame) {
      ++rt_.counters.errors;
    }
    read();
  }

  void arm_heartbeat(std::chrono::milliseconds delay) {
    timer_.expires_after(delay);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->closed_)
        return;
      self->heartbeat();
      self->arm_heartbeat(self->rt_.options.heartbeat_interval);
    });
  }

  void heartbeat() {
    if (writing_)
      return;  // the previous frame is still going out: skip this beat
    wire::HeartbeatT m;
    m.provider = wire::to_wire(self_id_);
    m.session_id = session_id_;
    m.sequence = ++sequence_;
    m.timestamp_unix_s = rt_.now_unix_s();
    m.available_models.push_back("mock-model");
    write(wire::seal(m, key_));
    ++rt_.counters.heartbeats;
  }

  void write(bytes sealed) {
    AGORA_ASSERT(!writing_);
    writing_ = true;
    out_ = std::move(sealed);
    ws_.async_write(asio::buffer(out_), [self = shared_from_this()](beast::error_code ec, size_t) {
      self->writing_ = false;
      if (ec)
        self->fail();
    });
  }

  /// Frees this peer's dial slot, once: it registered, or needs no Register, or failed.
  void release_dial() {
    if (!dialing_)
      return;
    dialing_ = false;
    rt_.dial_done();
  }

  /// Counts a failure once and frees the dial slot if still held.
  void fail() {
    if (failed_ || closed_)
      return;
    failed_ = true;
    ++rt_.counters.failed;
    timer_.cancel();
    release_dial();
  }

  ws_load_swarm::runtime& rt_;
  size_t index_;
  private_key key_;
  address self_id_;
  bytes session_id_;
  uint64_t sequence_ = 0;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  asio::steady_timer timer_;
  bytes out_;  // the frame being written
  bool writing_ = false;
  bool dialing_ = true;  // holds one of dials_in_flight_max
  bool registered_ = false;
  bool failed_ = false;
  bool closed_ = false;
};

}  // namespace

void ws_load_swarm::runtime::dial_next() {
  while (dials_in_flight < options.dials_in_flight_max && peers.size() < options.connections) {
    const size_t index = peers.size();
    peers.push_back(std::make_shared<peer>(*this, index, seeded_random(options.key_seed + index)));
    ++dials_in_flight;
    peers.back()->dial();
  }
}

ws_load_swarm::ws_load_swarm(ws_load_options options)
    : rt_(std::make_unique<runtime>(std::move(options))) {
  AGORA_ASSERT(rt_->options.connections > 0);
  AGORA_ASSERT(rt_->options.port > 0);
  AGORA_ASSERT(rt_->options.heartbeat_interval.count() > 0);
  AGORA_ASSERT(rt_->options.dials_in_flight_max > 0);
  rt_->peers.reserve(rt_->options.connections);
}

ws_load_swarm::~ws_load_swarm() {
  stop();
}

void ws_load_swarm::start() {
  AGORA_ASSERT(!thread_.joinable());
  AGORA_ASSERT(rt_->peers.empty());
  asio::post(rt_->ioc, [rt = rt_.get()] { rt->dial_next(); });
  thread_ = std::thread([rt = rt_.get()] {
    auto guard = asio::make_work_guard(rt->ioc);  // runs until stop()
    rt->ioc.run();
  });
}

void ws_load_swarm::stop() {
  if (!thread_.joinable())
    return;
  asio::post(rt_->ioc, [rt = rt_.get()] {
    for (const std::shared_ptr<peer>& p : rt->peers)
      p->close();
    rt->ioc.stop();  // the aborted operations need not complete: their peers are dropped below
  });
  thread_.join();
  rt_->peers.clear();
}

const ws_load_counters& ws_load_swarm::counters() const {
  return rt_->counters;
}

}  // namespace agora::bench
