// The plain chat template (chat_prompt.hpp).

#include "actors/worker/chat_prompt.hpp"

#include "core/assert.hpp"

namespace agora::actors {

std::string plain_chat_prompt(const std::vector<chat_message>& messages) {
  AGORA_ASSERT(!messages.empty());
  std::string out;
  for (const chat_message& m : messages)
    out += m.role + ": " + m.content + "\n";
  out += "assistant:";
  AGORA_ASSERT(out.size() > messages.size());
  return out;
}

}  // namespace agora::actors
