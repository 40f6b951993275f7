// Building the server and client TLS contexts.

#include "net/ws/tls_context.hpp"

#include <openssl/ssl.h>

namespace agora::net {

namespace ssl = boost::asio::ssl;

namespace {

ssl::context base_context(ssl::context::method method) {
  ssl::context ctx(method);
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  return ctx;
}

error load_failure(const std::string& what, const std::string& file,
                   const boost::system::error_code& ec) {
  return make_error(errc::invalid_argument, what + " " + file + ": " + ec.message());
}

}  // namespace

result<ssl::context> server_tls_context(const std::string& certificate_file,
                                        const std::string& private_key_file) {
  ssl::context ctx = base_context(ssl::context::tls_server);
  boost::system::error_code ec;
  if (ctx.use_certificate_chain_file(certificate_file, ec); ec)
    return load_failure("TLS certificate", certificate_file, ec);
  if (ctx.use_private_key_file(private_key_file, ssl::context::pem, ec); ec)
    return load_failure("TLS private key", private_key_file, ec);
  return ctx;
}

result<ssl::context> client_tls_context(const std::string& ca_file) {
  ssl::context ctx = base_context(ssl::context::tls_client);
  boost::system::error_code ec;
  if (ca_file.empty())
    ctx.set_default_verify_paths(ec);
  else
    ctx.load_verify_file(ca_file, ec);
  if (ec)
    return load_failure("CA file", ca_file.empty() ? "(system store)" : ca_file, ec);
  ctx.set_verify_mode(ssl::verify_peer);
  return ctx;
}

}  // namespace agora::net
