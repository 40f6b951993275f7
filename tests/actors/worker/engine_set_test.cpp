// Tests for engine_set: each request reaches the engine serving its model, with that engine's
// identity in models(); duplicate model ids and unknown models are refused.
#include "actors/worker/engine_set.hpp"

#include <gtest/gtest.h>

#include "actors/worker/mock_model.hpp"

namespace agora::actors {
namespace {

/// mock-model under another name and backend, blocking: a stand-in for a model folder.
class renamed_model final : public engine {
 public:
  std::vector<model_info> models() const override {
    model_info info = inner_.models().front();
    info.id = "renamed";
    info.served_by.backend = wire::Backend::Cpu;
    return {info};
  }
  result<generation> generate(const generation_request& request) override {
    generation_request inner = request;
    inner.model = std::string(mock_model_id);
    auto g = inner_.generate(inner);
    if (g)
      g->text = "renamed:" + g->text;
    return g;
  }
  bool blocks() const override { return true; }

 private:
  mock_model inner_;
};

generation_request request_for(std::string model) {
  generation_request r;
  r.id = 1;
  r.model = std::move(model);
  r.prompt = "hello there";
  return r;
}

TEST(engine_set_test, routes_each_request_to_the_engine_of_its_model) {
  auto set = engine_set::make({std::make_shared<mock_model>(), std::make_shared<renamed_model>()});
  ASSERT_TRUE(set) << set.error().to_string();
  auto models = (*set)->models();
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0].served_by.backend, wire::Backend::Mock);
  EXPECT_EQ(models[1].served_by.backend, wire::Backend::Cpu);
  auto mock = (*set)->generate(request_for("mock-model"));
  auto renamed = (*set)->generate(request_for("renamed"));
  ASSERT_TRUE(mock && renamed);
  EXPECT_EQ(renamed->text, "renamed:" + mock->text);
  EXPECT_TRUE((*set)->blocks());
}

TEST(engine_set_test, refuses_an_unknown_model_and_duplicate_ids) {
  auto set = engine_set::make({std::make_shared<mock_model>()});
  ASSERT_TRUE(set);
  EXPECT_FALSE((*set)->blocks());
  EXPECT_EQ((*set)->generate(request_for("nope")).error().code, errc::not_found);
  auto twice = engine_set::make({std::make_shared<mock_model>(), std::make_shared<mock_model>()});
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, errc::already_exists);
}

}  // namespace
}  // namespace agora::actors
