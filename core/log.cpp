// spdlog setup: a stderr sink with either a readable pattern or a JSON-lines formatter that
// escapes the message properly (spdlog's pattern flags do not escape).
#include "core/log.hpp"

#include <spdlog/formatter.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>

namespace agora {
namespace {

/// Formats one record as {"ts":"…","level":"…","logger":"…","msg":"…"}.
class json_formatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    time_.format(msg, stamp_);
    std::string line =
        "{\"ts\":\"" + std::string(stamp_.data(), stamp_.size()) + "\",\"level\":\"" +
        std::string(spdlog::level::to_string_view(msg.level).data()) + "\",\"logger\":\"" +
        json_escape({msg.logger_name.data(), msg.logger_name.size()}) + "\",\"msg\":\"" +
        json_escape({msg.payload.data(), msg.payload.size()}) + "\"}\n";
    stamp_.clear();
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<json_formatter>();
  }

 private:
  spdlog::pattern_formatter time_{"%Y-%m-%dT%H:%M:%S.%fZ", spdlog::pattern_time_type::utc, ""};
  spdlog::memory_buf_t stamp_;
};

}  // namespace

std::string json_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (unsigned char c : text) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      if (c < 0x20) {
        char esc[8];
        std::snprintf(esc, sizeof esc, "\\u%04x", c);
        out += esc;
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  return out;
}

status setup_logging(const log_options& opts) {
  auto level = spdlog::level::from_str(opts.level);
  if (level == spdlog::level::off && opts.level != "off")
    return make_error(errc::invalid_argument, "unknown log level '" + opts.level +
                                                  "' (use trace|debug|info|warn|error|off)");
  spdlog::drop("agora");  // setup may run again (tests); the registry refuses duplicates
  auto logger = spdlog::stderr_color_mt("agora");
  if (opts.json)
    logger->set_formatter(std::make_unique<json_formatter>());
  else
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
  logger->set_level(level);
  spdlog::set_default_logger(logger);
  return {};
}

}  // namespace agora
