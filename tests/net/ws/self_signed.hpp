// A self-signed TLS certificate made inside a test with the OpenSSL C API (an EC P-256 key,
// CN=localhost, SAN IP:127.0.0.1 and DNS:localhost, valid for a day), written as PEM files in
// a fresh temporary directory that the object removes.
#pragma once

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace agora::net::testing {

class self_signed {
 public:
  /// `name` tells the files of two certificates apart.
  explicit self_signed(const std::string& name) {
    std::string pattern = (std::filesystem::temp_directory_path() / "agora-ws-XXXXXX").string();
    dir_ = mkdtemp(pattern.data());
    EXPECT_FALSE(dir_.empty());
    certificate_file = (dir_ / (name + ".crt")).string();
    key_file = (dir_ / (name + ".key")).string();
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = make_certificate(key);
    write(key, cert);
    X509_free(cert);
    EVP_PKEY_free(key);
  }
  ~self_signed() { std::filesystem::remove_all(dir_); }
  self_signed(const self_signed&) = delete;
  self_signed& operator=(const self_signed&) = delete;

  std::string certificate_file;
  std::string key_file;

 private:
  static void add_extension(X509* cert, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    EXPECT_NE(ext, nullptr);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }

  static X509* make_certificate(EVP_PKEY* key) {
    EXPECT_NE(key, nullptr);
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* subject = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert, subject);
    add_extension(cert, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert, NID_key_usage, "critical,digitalSignature,keyCertSign");
    add_extension(cert, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
    EXPECT_GT(X509_sign(cert, key, EVP_sha256()), 0);
    return cert;
  }

  void write(EVP_PKEY* key, X509* cert) const {
    FILE* f = std::fopen(key_file.c_str(), "w");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr), 1);
    std::fclose(f);
    f = std::fopen(certificate_file.c_str(), "w");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(PEM_write_X509(f, cert), 1);
    std::fclose(f);
  }

  std::filesystem::path dir_;
};

}  // namespace agora::net::testing
