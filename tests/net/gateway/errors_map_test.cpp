// How inference failures become OpenAI errors (net/gateway/openai/errors.hpp): the status, type
// and code of each failure kind, and the error object's exact JSON.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "net/gateway/openai/errors.hpp"

namespace agora::net::gateway::openai {
namespace {

api_error map(failure_kind kind, errc code, std::string message = "why") {
  return error_of({kind, make_error(code, std::move(message))}, "m");
}

TEST(openai_errors, each_failure_has_its_status) {
  EXPECT_EQ(map(failure_kind::relay_refused, errc::not_found).status, http::status::not_found);
  EXPECT_EQ(map(failure_kind::relay_refused, errc::not_found).code, "model_not_found");
  const api_error busy =
      map(failure_kind::relay_refused, errc::limit_exceeded, "No providers available");
  EXPECT_EQ(busy.status, http::status::service_unavailable);
  EXPECT_EQ(busy.message, "No providers available");
  EXPECT_EQ(map(failure_kind::relay_refused, errc::bad_signature).status,
            http::status::bad_gateway);
  EXPECT_EQ(map(failure_kind::escrow_refused, errc::insufficient_funds).status,
            http::status::service_unavailable);
  EXPECT_EQ(map(failure_kind::provider_failed, errc::io_error).status, http::status::bad_gateway);
  EXPECT_EQ(map(failure_kind::bad_proof, errc::invalid_argument).code, "bad_proof");
  EXPECT_EQ(map(failure_kind::timed_out, errc::stale).status, http::status::gateway_timeout);
  EXPECT_EQ(map(failure_kind::internal, errc::limit_exceeded).status,
            http::status::too_many_requests);
  EXPECT_EQ(map(failure_kind::internal, errc::io_error).status,
            http::status::internal_server_error);
}

TEST(openai_errors, the_error_object_has_openais_four_fields) {
  EXPECT_EQ(boost::json::parse(error_json(invalid_request("bad", "temperature", "x"))),
            boost::json::parse(R"({"error":{"message":"bad","type":"invalid_request_error",)"
                               R"("param":"temperature","code":"x"}})"));
  EXPECT_EQ(boost::json::parse(error_json(invalid_request("bad"))),
            boost::json::parse(R"({"error":{"message":"bad","type":"invalid_request_error",)"
                               R"("param":null,"code":null}})"));
}

}  // namespace
}  // namespace agora::net::gateway::openai
