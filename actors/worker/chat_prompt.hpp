// The plain chat template: how an engine without a model-specific template (mock-model; a model
// folder whose tokenizer_config.json names none) turns chat messages into one prompt. Documented
// in docs/PROTOCOL.md "Chat": each message as "<role>: <content>\n", then "assistant:".
#pragma once

#include <string>
#include <vector>

#include "actors/worker/engine.hpp"

namespace agora::actors {

/// The plain-template prompt of `messages`. REQUIRES: messages not empty.
std::string plain_chat_prompt(const std::vector<chat_message>& messages);

}  // namespace agora::actors
