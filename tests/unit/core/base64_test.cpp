// core/base64.hpp: the strict decoding Secrets and kubeconfigs get, and the encoding tests use.
#include "core/base64.hpp"

#include <gtest/gtest.h>

namespace {

TEST(Base64, DecodesWithAndWithoutPadding) {
  EXPECT_EQ(core::base64Decode("aGVsbG8="), "hello");
  EXPECT_EQ(core::base64Decode("aGVsbG8"), "hello");
  EXPECT_EQ(core::base64Decode("aGVs\nbG8="), "hello");
  EXPECT_EQ(core::base64Decode("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tClgK"), "-----BEGIN CERTIFICATE-----\nX\n");
  EXPECT_EQ(core::base64Decode(""), "");
  EXPECT_EQ(core::base64Decode("YQ"), "a");
  EXPECT_EQ(core::base64Decode("YWI="), "ab");
}

TEST(Base64, RefusesWhatIsNotBase64) {
  EXPECT_FALSE(core::base64Decode("a$b="));
  EXPECT_FALSE(core::base64Decode("aGVs=bG8"));     // data after padding
  EXPECT_FALSE(core::base64Decode("aGVsbG8==="));   // too much padding
  EXPECT_FALSE(core::base64Decode("aGVsb"));        // a lone sixth of a byte
  EXPECT_FALSE(core::base64Decode("aGVs-G8_"));     // the URL alphabet is not this one
}

TEST(Base64, EncodesWhatItDecodes) {
  EXPECT_EQ(core::base64Encode(""), "");
  EXPECT_EQ(core::base64Encode("hello"), "aGVsbG8=");
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  EXPECT_EQ(core::base64Decode(core::base64Encode(bytes)), bytes);
}

}  // namespace
