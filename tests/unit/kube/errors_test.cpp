// errors.hpp: Status bodies become typed errors.
#include <gtest/gtest.h>

#include "fake_transport.hpp"
#include "kube/errors.hpp"

namespace {

using namespace kube;
using kube::testing::status;

TEST(Errors, NotFoundIsTerminalAndKeepsReason) {
  ApiError e = fromResponse(404, status(404, "NotFound", "databaseschemas.dbschema.io \"x\" not found").dump());
  EXPECT_TRUE(e.isNotFound());
  EXPECT_EQ(e.reason, "NotFound");
  EXPECT_EQ(e.kind, core::ErrorKind::Terminal);
  EXPECT_EQ(e.toError().message, "NotFound (404): databaseschemas.dbschema.io \"x\" not found");
}

TEST(Errors, ConflictAndAlreadyExistsAreConflicts) {
  ApiError c = fromResponse(409, status(409, "Conflict").dump());
  ApiError a = fromResponse(409, status(409, "AlreadyExists").dump());
  EXPECT_EQ(c.kind, core::ErrorKind::Conflict);
  EXPECT_EQ(a.kind, core::ErrorKind::Conflict);
  EXPECT_TRUE(a.isAlreadyExists());
  EXPECT_FALSE(c.isAlreadyExists());
  core::Error ce = c;  // converts
  EXPECT_EQ(ce.kind, core::ErrorKind::Conflict);
}

TEST(Errors, GoneAndOldGoneReasonAreExpired) {
  EXPECT_TRUE(fromResponse(410, status(410, "Expired").dump()).isGone());
  ApiError old = fromResponse(410, status(410, "Gone").dump());
  EXPECT_EQ(old.reason, "Expired");
  EXPECT_TRUE(old.isGone());
}

TEST(Errors, InvalidCarriesCauseFields) {
  auto body = status(422, "Invalid", "DatabaseSchema.dbschema.io \"bad\" is invalid: [..]");
  body["details"] = {{"kind", "DatabaseSchema"},
                     {"causes",
                      {{{"reason", "FieldValueRequired"}, {"message", "Required value"}, {"field", "spec.database"}},
                       {{"reason", "FieldValueNotSupported"}, {"message", "Unsupported value"}, {"field", "spec.mode"}}}}};
  ApiError e = fromResponse(422, body.dump());
  EXPECT_EQ(e.kind, core::ErrorKind::Invalid);
  ASSERT_EQ(e.causes.size(), 2u);
  EXPECT_EQ(e.causes[1].field, "spec.mode");
  core::Error ce = e.toError();
  EXPECT_EQ(ce.field, "spec.database");
  EXPECT_NE(ce.message.find("spec.mode: Unsupported value"), std::string::npos);
}

TEST(Errors, ThrottlingAndServerErrorsAreTransientWithRetryAfter) {
  ApiError t = fromResponse(429, status(429, "TooManyRequests").dump(), 3);
  EXPECT_EQ(t.kind, core::ErrorKind::Transient);
  EXPECT_EQ(t.retryAfterSeconds, 3);
  auto body = status(503, "ServiceUnavailable");
  body["details"] = {{"retryAfterSeconds", 2}};
  ApiError s = fromResponse(503, body.dump());
  EXPECT_EQ(s.kind, core::ErrorKind::Transient);
  EXPECT_EQ(s.retryAfterSeconds, 2);
  EXPECT_EQ(fromResponse(500, "oops").kind, core::ErrorKind::Transient);
}

TEST(Errors, AuthFailuresAreTerminalAndSaySo) {
  ApiError u = fromResponse(401, status(401, "Unauthorized", "Unauthorized").dump());
  EXPECT_EQ(u.kind, core::ErrorKind::Terminal);
  EXPECT_NE(u.toError().message.find("Unauthorized"), std::string::npos);
  ApiError f = fromResponse(403, "");  // no body at all
  EXPECT_EQ(f.reason, "Forbidden");
  EXPECT_EQ(f.kind, core::ErrorKind::Terminal);
}

TEST(Errors, NonStatusBodiesStillTypeByCode) {
  ApiError e = fromResponse(502, "<html>bad gateway</html>");
  EXPECT_EQ(e.code, 502);
  EXPECT_EQ(e.kind, core::ErrorKind::Transient);
  EXPECT_NE(e.message.find("bad gateway"), std::string::npos);
}

TEST(Errors, TransportFailuresAreTransientWithoutCode) {
  ApiError e = transportError("cannot connect");
  EXPECT_EQ(e.code, 0);
  EXPECT_EQ(e.kind, core::ErrorKind::Transient);
  EXPECT_EQ(e.toError().message, "cannot connect");
}

}  // namespace
