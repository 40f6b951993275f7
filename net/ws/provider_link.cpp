// The provider link: its I/O loop (one thread, one strand), the dial → connected → lost → retry
// cycle, and the handler that hands the relay's messages to the bridge actor.

#include "net/ws/provider_link.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <future>
#include <optional>
#include <thread>

#include "net/ws/link_bridge.hpp"
#include "net/ws/link_dial.hpp"
#include "net/ws/tls_context.hpp"
#include "net/ws/ws_url.hpp"

namespace agora::net {

namespace {

status check(const provider_link_options& o) {
  if (o.backoff_initial.count() <= 0 || o.backoff_max < o.backoff_initial)
    return make_error(errc::invalid_argument,
                      "provider_link_options: need 0 < backoff_initial <= backoff_max");
  if (o.backoff_factor == 0 || o.backoff_factor > 16)
    return make_error(errc::invalid_argument,
                      "provider_link_options.backoff_factor: outside [1, 16]");
  return check(o.limits);
}

/// What the link does with an open connection: the relay's messages go to the bridge actor
/// (kind filled in from the Envelope; the provider opens every frame itself); the end goes to
/// `lost`.
class link_session final : public ws_handler {
 public:
  link_session(link_bridge_actor bridge, std::function<void(const std::string&)> lost)
      : bridge_(std::move(bridge)), lost_(std::move(lost)) {}

  void on_message(ws_channel&, bytes message) override {
    const wire::message_kind kind = wire::peek_kind(message);
    if (kind == wire::message_kind::None)
      return spdlog::warn("provider link: the relay sent a message that is not an Envelope");
    caf::anon_send(bridge_, inbound_atom_v, wire::frame{kind, std::move(message)});
  }
  void on_end(ws_end why, const std::string& detail) override {
    lost_(std::string(to_string(why)) + " (" + detail + ")");
  }

 private:
  link_bridge_actor bridge_;
  std::function<void(const std::string&)> lost_;
};

}  // namespace

std::chrono::milliseconds backoff_delay(const provider_link_options& options, uint32_t attempt,
                                        random_source& rng) {
  std::chrono::milliseconds delay = options.backoff_initial;
  for (uint32_t i = 0; i < attempt && delay < options.backoff_max; ++i)
    delay *= options.backoff_factor;
  delay = std::min(delay, options.backoff_max);
  const std::chrono::milliseconds half = delay / 2;
  const auto spread = static_cast<uint64_t>((delay - half).count());
  const std::chrono::milliseconds out =
      half + std::chrono::milliseconds(static_cast<int64_t>(rng.uniform(spread + 1)));
  AGORA_ASSERT(out >= half && out <= delay);
  return out;
}

// ------------------------------------------------------------------------------------------------
// The I/O loop

class provider_link::loop {
 public:
  loop(provider_link_options options, ws_url url, std::optional<asio::ssl::context> tls,
       std::shared_ptr<const clock_source> clock, std::shared_ptr<random_source> rng,
       link_bridge_actor bridge, std::shared_ptr<link_metrics> metrics)
      : options_(std::move(options)), url_(std::move(url)), tls_(std::move(tls)),
        clock_(std::move(clock)), rng_(std::move(rng)), bridge_(std::move(bridge)),
        metrics_(std::move(metrics)) {}

  void run() {
    asio::post(strand_, [this] { dial(); });
    thread_ = std::thread([this] {
      ioc_.run();
      finished_.set_value();
    });
  }

  void stop() {
    asio::post(strand_, [this] {
      stopping_ = true;
      timer_.cancel();
      if (auto current = current_.lock())
        current->shutdown();
    });
    work_.reset();
    if (finished_.get_future().wait_for(options_.stop_grace) != std::future_status::ready)
      spdlog::warn("provider link: the connection to {} did not close in time", url_.text);
    ioc_.stop();
    thread_.join();
  }

 private:
  void dial() {
    ws_connection_options connection{options_.limits.outbox_frames_max,
                                     std::shared_ptr<frame_counters>(metrics_, &metrics_->frames)};
    asio::ssl::context* tls = tls_ ? &*tls_ : nullptr;
    current_ = net::dial(
        strand_, url_, tls, options_.limits, std::move(connection),
        [this](result<std::shared_ptr<ws_channel>> dialed) { on_dialed(std::move(dialed)); });
  }

  void on_dialed(result<std::shared_ptr<ws_channel>> dialed) {
    if (stopping_)
      return;
    if (!dialed) {
      ++metrics_->connect_failures;
      spdlog::warn("lost connection to relay {}: {}", url_.text, dialed.error().to_string());
      return retry();
    }
    std::shared_ptr<ws_channel> channel = std::move(dialed.value());
    ++metrics_->connects;
    connected_at_ = clock_->now();
    current_ = channel;
    spdlog::info("connected to relay {}", url_.text);
    channel->start(
        std::make_unique<link_session>(bridge_, [this](const std::string& why) { on_lost(why); }));
    caf::anon_send(bridge_, connected_atom_v, session_ref{channel});
  }

  void on_lost(const std::string& why) {
    ++metrics_->disconnects;
    if (stopping_)
      return spdlog::info("provider link: closed the connection to relay {}", url_.text);
    spdlog::warn("lost connection to relay {}: {}", url_.text, why);
    if (clock_->now() - connected_at_ >= options_.backoff_reset_after)
      attempt_ = 0;  // it lasted: start the backoff over
    retry();
  }

  void retry() {
    const std::chrono::milliseconds delay = backoff_delay(options_, attempt_, *rng_);
    attempt_ = std::min<uint32_t>(attempt_ + 1, 64);
    spdlog::info("provider link: retrying {} in {} ms", url_.text, delay.count());
    timer_.expires_after(delay);
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec && !stopping_)
        dial();
    });
  }

  // The io_context first: it is destroyed last, after everything its handlers refer to.
  asio::io_context ioc_;
  asio::strand<asio::io_context::executor_type> strand_{asio::make_strand(ioc_)};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{
      ioc_.get_executor()};
  asio::steady_timer timer_{strand_};
  provider_link_options options_;
  ws_url url_;
  std::optional<asio::ssl::context> tls_;
  std::shared_ptr<const clock_source> clock_;
  std::shared_ptr<random_source> rng_;
  link_bridge_actor bridge_;
  std::shared_ptr<link_metrics> metrics_;
  std::weak_ptr<closable> current_;  // the dial in progress or the open connection
  wall_time connected_at_{};
  uint32_t attempt_ = 0;
  bool stopping_ = false;
  std::promise<void> finished_;  // set when ioc_.run() returns
  std::thread thread_;
};

// ------------------------------------------------------------------------------------------------
// provider_link

result<std::unique_ptr<provider_link>>
provider_link::start(caf::actor_system& sys, provider_link_options options,
                     std::shared_ptr<const clock_source> clock,
                     std::shared_ptr<random_source> rng) {
  AGORA_ASSERT(clock != nullptr);
  AGORA_ASSERT(rng != nullptr);
  if (auto s = check(options); !s)
    return s.error();
  auto url = parse_ws_url(options.url);
  if (!url)
    return url.error();
  std::optional<asio::ssl::context> tls;
  if (url->tls) {
    auto ctx = client_tls_context(options.ca_file);
    if (!ctx)
      return ctx.error();
    tls.emplace(std::move(ctx.value()));
  }
  auto metrics = std::make_shared<link_metrics>();
  auto bridge = spawn_link_bridge(sys);
  auto io = std::make_unique<loop>(std::move(options), std::move(url.value()), std::move(tls),
                                   std::move(clock), std::move(rng), bridge, metrics);
  std::unique_ptr<provider_link> link(new provider_link(
      std::move(metrics), caf::actor_cast<actors::frame_sink>(bridge), std::move(io)));
  link->loop_->run();
  return link;
}

provider_link::provider_link(std::shared_ptr<link_metrics> metrics, actors::frame_sink sink,
                             std::unique_ptr<loop> io)
    : metrics_(std::move(metrics)), sink_(std::move(sink)), loop_(std::move(io)) {
  AGORA_ASSERT(sink_ != nullptr);
}

provider_link::~provider_link() {
  stop();
}

void provider_link::attach(const actors::provider_actor& provider) {
  AGORA_ASSERT(provider != nullptr);
  caf::anon_send(caf::actor_cast<link_bridge_actor>(sink_), attach_atom_v, provider);
}

void provider_link::stop() {
  if (loop_ == nullptr)
    return;
  loop_->stop();
  loop_.reset();  // destroys what is left of the connection
  caf::anon_send_exit(sink_, caf::exit_reason::user_shutdown);
}

}  // namespace agora::net
