#include "tls.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

namespace kubeapi {

namespace {
using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("TLS material generation failed: ") + what);
}

KeyPtr newKey() {
  KeyPtr k(EVP_EC_gen("P-256"), EVP_PKEY_free);
  check(k != nullptr, "EVP_EC_gen");
  return k;
}

void addExt(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr, "X509V3_EXT_conf_nid");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

CertPtr newCert(const char* cn, EVP_PKEY* key) {
  CertPtr c(X509_new(), X509_free);
  X509_set_version(c.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(c.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(c.get()), 60L * 60 * 24 * 365);
  X509_set_pubkey(c.get(), key);
  X509_NAME* name = X509_get_subject_name(c.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  return c;
}

std::string pem(X509* c) {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(b, c);
  char* data;
  long n = BIO_get_mem_data(b, &data);
  std::string out(data, n);
  BIO_free(b);
  return out;
}

std::string pem(EVP_PKEY* k) {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(b, k, nullptr, nullptr, 0, nullptr, nullptr);
  char* data;
  long n = BIO_get_mem_data(b, &data);
  std::string out(data, n);
  BIO_free(b);
  return out;
}
}  // namespace

TlsMaterial generateTls() {
  KeyPtr caKey = newKey();
  CertPtr ca = newCert("kube-test-server-ca", caKey.get());
  X509_set_issuer_name(ca.get(), X509_get_subject_name(ca.get()));
  addExt(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
  addExt(ca.get(), ca.get(), NID_key_usage, "critical,digitalSignature,keyCertSign,cRLSign");
  addExt(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
  check(X509_sign(ca.get(), caKey.get(), EVP_sha256()) > 0, "sign CA");

  KeyPtr key = newKey();
  CertPtr cert = newCert("kube-apiserver", key.get());
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca.get()));
  addExt(cert.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  addExt(cert.get(), ca.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment");
  addExt(cert.get(), ca.get(), NID_ext_key_usage, "serverAuth");
  addExt(cert.get(), ca.get(), NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
  addExt(cert.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
  check(X509_sign(cert.get(), caKey.get(), EVP_sha256()) > 0, "sign server cert");
  return {pem(ca.get()), pem(cert.get()), pem(key.get())};
}

}  // namespace kubeapi
