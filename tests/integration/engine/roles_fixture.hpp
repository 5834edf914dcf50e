#pragma once
// Tests of what names roles (policies, grants): two roles made once per server (roles belong to
// the cluster), what they were granted in the test's database dropped after it.
#include "engine_fixture.hpp"

class RolesTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    exec("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'so_app') THEN CREATE ROLE so_app; END IF;"
         " IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'so_support') THEN CREATE ROLE so_support; END IF; END $$");
  }
  void TearDown() override {
    exec("DROP OWNED BY so_app, so_support");
    EngineTest::TearDown();
  }
};
