// SIGINT/SIGTERM handling for node processes (shutdown_signal.hpp).

#include "net/node/shutdown_signal.hpp"

#include <pthread.h>
#include <signal.h>

#include "core/assert.hpp"

namespace agora::net {

namespace {

sigset_t shutdown_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

void block_shutdown_signals() {
  const sigset_t set = shutdown_signals();
  const int rc = pthread_sigmask(SIG_BLOCK, &set, nullptr);
  AGORA_ASSERT(rc == 0);
}

int wait_for_shutdown_signal() {
  const sigset_t set = shutdown_signals();
  int signal = 0;
  const int rc = sigwait(&set, &signal);
  AGORA_ASSERT(rc == 0);
  AGORA_ASSERT(signal == SIGINT || signal == SIGTERM);
  return signal;
}

}  // namespace agora::net
