// Stand-ins for roles in other processes, and publishing (remote_role.hpp).

#include "net/node/remote_role.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <caf/all.hpp>
#include <caf/io/middleman.hpp>
#include <set>

#include "actors/common/caf_error.hpp"
#include "actors/escrow/escrow_actor.hpp"
#include "actors/relay/relay_actor.hpp"

namespace agora::net {

namespace {

using connect_again_atom = caf::atom_constant<caf::atom("connect")>;

struct remote_role_state {
  remote_role_options options;
  caf::actor remote;  // invalid while disconnected
  std::chrono::milliseconds backoff{0};
  static inline const char* name = "agora.remote_role";
};

using remote_pointer = caf::stateful_actor<remote_role_state>*;

void schedule_connect(remote_pointer self) {
  auto& st = self->state;
  st.backoff = std::clamp(st.backoff * 2, st.options.backoff_initial, st.options.backoff_max);
  self->delayed_send(self, st.backoff, connect_again_atom::value);
}

void connect(remote_pointer self) {
  auto& st = self->state;
  auto mm = self->home_system().middleman().actor_handle();
  self->request(mm, std::chrono::seconds(10), caf::connect_atom::value, st.options.host,
                st.options.port)
      .then(
          [self](const caf::node_id&, caf::strong_actor_ptr& ptr, const std::set<std::string>&) {
            auto& st = self->state;
            if (ptr == nullptr)
              return schedule_connect(self);
            st.remote = caf::actor_cast<caf::actor>(ptr);
            st.backoff = std::chrono::milliseconds{0};
            self->monitor(st.remote);
            spdlog::info("connected to the {} at {}:{}", st.options.role, st.options.host,
                         st.options.port);
          },
          [self](caf::error&) { schedule_connect(self); });
}

caf::result<caf::message> forward(remote_pointer self, caf::message_view& x) {
  auto& st = self->state;
  if (st.remote == nullptr)
    return actors::make_caf_error(errc::io_error,
                                  "the " + st.options.role + " at " + st.options.host + ":" +
                                      std::to_string(st.options.port) + " is unreachable");
  auto rp = self->make_response_promise();
  rp.delegate(st.remote, x.move_content_to_message());
  return rp;
}

caf::behavior remote_role(remote_pointer self, remote_role_options options) {
  AGORA_ASSERT(options.port != 0);
  self->state.options = std::move(options);
  self->set_default_handler([](caf::scheduled_actor* ptr, caf::message_view& x) {
    return forward(static_cast<remote_pointer>(ptr), x);
  });
  self->set_down_handler([self](caf::down_msg& down) {
    auto& st = self->state;
    if (down.source != st.remote.address())
      return;
    spdlog::warn("lost the {} at {}:{}; reconnecting", st.options.role, st.options.host,
                 st.options.port);
    st.remote = nullptr;
    schedule_connect(self);
  });
  connect(self);
  return {[self](connect_again_atom) { connect(self); }};
}

}  // namespace

void add_remote_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<actors::frame_sink>("agora::actors::frame_sink");
  cfg.add_message_type<actors::escrow_receipt>("agora::escrow_receipt");
  cfg.add_message_type<actors::balance_query>("agora::balance_query");
  cfg.add_message_type<actors::relay_status>("agora::actors::relay_status");
}

caf::actor spawn_remote_role(caf::actor_system& sys, remote_role_options options) {
  return sys.spawn(remote_role, std::move(options));
}

result<uint16_t> publish_role(caf::actor_system& sys, const caf::actor& role,
                              const std::string& host, uint16_t port) {
  AGORA_ASSERT(role != nullptr);
  auto bound = sys.middleman().publish(role, port, host.c_str(), true);
  if (!bound)
    return make_error(errc::io_error, "publishing on " + host + ":" + std::to_string(port) + ": " +
                                          sys.render(bound.error()));
  return *bound;
}

}  // namespace agora::net
