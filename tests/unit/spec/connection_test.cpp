// spec.connection and toString(SslMode).
#include <gtest/gtest.h>

#include "spec/resource.hpp"
#include "spec_test_util.hpp"

namespace {

using spec::testing::parseOk;
using spec::testing::rejects;
using spec::testing::withSpec;

TEST(Connection, IsOptional) {
  const auto c = parseOk(withSpec("schema: public\n")).connection;
  EXPECT_EQ(c.secretRef, spec::SecretKeyRef{});
  EXPECT_EQ(c.sslMode, spec::SslMode::VerifyFull);
  EXPECT_FALSE(c.sslModeSet);
  EXPECT_FALSE(c.rootCertRef);
  EXPECT_FALSE(c.allowSelfSigned);
}

TEST(Connection, ReadsEverySslMode) {
  const std::pair<const char*, spec::SslMode> modes[] = {{"disable", spec::SslMode::Disable},
                                                         {"require", spec::SslMode::Require},
                                                         {"verify-ca", spec::SslMode::VerifyCa},
                                                         {"verify-full", spec::SslMode::VerifyFull}};
  for (const auto& [text, mode] : modes) {
    const auto c = parseOk(withSpec(std::string("connection: {sslMode: ") + text + "}\n")).connection;
    EXPECT_EQ(c.sslMode, mode) << text;
    EXPECT_TRUE(c.sslModeSet) << text;
    EXPECT_STREQ(spec::toString(mode), text);
  }
}

TEST(Connection, RejectsUnknownSslMode) {
  EXPECT_TRUE(rejects(withSpec("connection: {sslMode: prefer}\n"), "spec.connection.sslMode",
                      "must be disable, require, verify-ca or verify-full"));
}

TEST(Connection, ReadsSecretRefsAndSelfSigned) {
  const auto c = parseOk(withSpec("connection:\n  secretRef: {name: db, key: url}\n  rootCertRef: {name: ca, key: ca.crt}\n"
                                  "  allowSelfSigned: true\n"))
                     .connection;
  EXPECT_EQ(c.secretRef, (spec::SecretKeyRef{"db", "url"}));
  ASSERT_TRUE(c.rootCertRef);
  EXPECT_EQ(*c.rootCertRef, (spec::SecretKeyRef{"ca", "ca.crt"}));
  EXPECT_TRUE(c.allowSelfSigned);
  EXPECT_FALSE(c.sslModeSet);
}

TEST(Connection, RequiresSecretNameAndKey) {
  EXPECT_TRUE(rejects(withSpec("connection: {secretRef: {name: db}}\n"), "spec.connection.secretRef.key", "must be set"));
  EXPECT_TRUE(rejects(withSpec("connection: {rootCertRef: {key: ca.crt}}\n"), "spec.connection.rootCertRef.name",
                      "must be set"));
}

TEST(Connection, RejectsNonBooleanAllowSelfSigned) {
  EXPECT_TRUE(rejects(withSpec("connection: {allowSelfSigned: 1}\n"), "spec.connection.allowSelfSigned",
                      "expected true or false, found a text value"));
}

TEST(Connection, NeverQuotesValuesInErrors) {
  // A connection string pasted where a Secret reference belongs must not reach status.
  for (const std::string body : {"connection: postgres://app:s3cret@db/shop\n",
                                 "connection: {secretRef: \"postgres://app:s3cret@db/shop\"}\n",
                                 "connection: {sslMode: \"postgres://app:s3cret@db/shop\"}\n",
                                 "connection: {allowSelfSigned: \"postgres://app:s3cret@db/shop\"}\n"}) {
    auto r = spec::parseDocument(withSpec(body));
    ASSERT_FALSE(r) << body;
    EXPECT_EQ(r.error().describe().find("s3cret"), std::string::npos) << r.error().describe();
  }
}

}  // namespace
