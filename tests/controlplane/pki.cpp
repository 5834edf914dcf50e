#include "controlplane/pki.hpp"

#include <fstream>
#include <stdexcept>

#include "support/process.hpp"

namespace controlplane {

namespace {

void openssl(const std::vector<std::string>& args, const std::string& step) {
  std::vector<std::string> argv{"/usr/bin/openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto r = testsupport::runProcess(argv, {}, "", std::chrono::seconds(30));
  if (r.exitCode != 0) throw std::runtime_error("openssl (" + step + ") failed: " + r.err);
}

void writeFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

// P-256 keys: a few milliseconds each where RSA takes a noticeable part of a second.
const std::vector<std::string> kNewKey{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"};

// A key and a certificate signed by the CA, with the extensions in `extensions`.
void leaf(const std::string& dir, const std::string& name, const std::string& subject, const std::string& extensions,
          std::string& certPath, std::string& keyPath) {
  keyPath = dir + "/" + name + ".key";
  certPath = dir + "/" + name + ".crt";
  const std::string csr = dir + "/" + name + ".csr", ext = dir + "/" + name + ".ext";
  writeFile(ext, extensions);
  std::vector<std::string> req{"req", "-new"};
  req.insert(req.end(), kNewKey.begin(), kNewKey.end());
  req.insert(req.end(), {"-subj", subject, "-keyout", keyPath, "-out", csr});
  openssl(req, name + " request");
  openssl({"x509", "-req", "-in", csr, "-CA", dir + "/ca.crt", "-CAkey", dir + "/ca.key", "-CAcreateserial", "-days", "2",
           "-extfile", ext, "-out", certPath},
          name + " certificate");
}

}  // namespace

Pki makePki(const std::string& dir) {
  Pki pki;
  pki.caCert = dir + "/ca.crt";
  pki.caKey = dir + "/ca.key";
  // A config of our own, so the machine's openssl.cnf adds nothing to the CA.
  writeFile(dir + "/ca.cnf",
            "[req]\ndistinguished_name = dn\n[dn]\n[v3_ca]\nbasicConstraints = critical,CA:TRUE\n"
            "keyUsage = critical,keyCertSign,digitalSignature\nsubjectKeyIdentifier = hash\n");
  std::vector<std::string> ca{"req", "-x509", "-new", "-config", dir + "/ca.cnf", "-extensions", "v3_ca", "-days", "2"};
  ca.insert(ca.end(), kNewKey.begin(), kNewKey.end());
  ca.insert(ca.end(), {"-subj", "/CN=schema-operator test control plane CA", "-keyout", pki.caKey, "-out", pki.caCert});
  openssl(ca, "CA");
  leaf(dir, "serving", "/CN=kube-apiserver",
       "basicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature\nextendedKeyUsage = serverAuth\n"
       "subjectAltName = IP:127.0.0.1,DNS:localhost\n",
       pki.servingCert, pki.servingKey);
  leaf(dir, "admin", "/O=system:masters/CN=admin",
       "basicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature\nextendedKeyUsage = clientAuth\n",
       pki.adminCert, pki.adminKey);
  pki.serviceAccountKey = dir + "/service-account.key";
  pki.serviceAccountPub = dir + "/service-account.pub";
  openssl({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", pki.serviceAccountKey},
          "service account key");
  openssl({"pkey", "-in", pki.serviceAccountKey, "-pubout", "-out", pki.serviceAccountPub}, "service account public key");
  return pki;
}

}  // namespace controlplane
