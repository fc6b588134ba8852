// Fuzzing of the SYN engine's packet parsers and reply validation, meant for a
// sanitizer build (-fsanitize=address,undefined): random and mutated packets
// (from valid SYN-ACKs, RSTs, ICMP and ICMPv6 errors, our own SYNs, IP options,
// fragments) go through parse_ipv4_packet / parse_ipv6_tcp / parse_icmpv6 and
// validate_reply, each in a heap buffer of exactly its length, so that any read
// past the end is caught. Invariant: a reply is Accepted only for the 4-tuple of
// a probe the seeds were built for (forging a cookie is a 2^-32 chance).
//
//   reply_fuzz SECONDS SEED      prints "iterations N, accepted A" and exits 0,
//                                or prints the failing packet and aborts.
// Plain C++17; built by test/native-fuzz (no Node, no network).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "packet.h"
#include "syn_cookie.h"
#include "syn_receiver.h"

using namespace portpick;

namespace {

constexpr uint16_t kFirst = 61000;
constexpr uint32_t kCount = 4536;

Address v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  Address x;
  x.family = 4;
  x.bytes = {a, b, c, d};
  return x;
}

Address v6(uint8_t last) {
  Address x;
  x.family = 6;
  x.bytes = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last};
  return x;
}

void put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

void put32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}

std::vector<uint8_t> tcp_segment(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags, size_t options) {
  std::vector<uint8_t> t(20 + options, 0);
  put16(&t[0], sport);
  put16(&t[2], dport);
  put32(&t[4], seq);
  put32(&t[8], ack);
  t[12] = static_cast<uint8_t>(((20 + options) / 4) << 4);
  t[13] = flags;
  put16(&t[14], 65535);
  for (size_t i = 20; i < t.size(); ++i) t[i] = 1;  // NOP options
  return t;
}

std::vector<uint8_t> ipv4(const Address& src, const Address& dst, uint8_t proto, const std::vector<uint8_t>& payload,
                          size_t options = 0, uint16_t fragment = 0) {
  std::vector<uint8_t> p(20 + options, 0);
  p[0] = static_cast<uint8_t>(0x40 | ((20 + options) / 4));
  put16(&p[2], static_cast<uint16_t>(p.size() + payload.size()));
  put16(&p[6], fragment);
  p[8] = 57;
  p[9] = proto;
  std::memcpy(&p[12], src.bytes.data(), 4);
  std::memcpy(&p[16], dst.bytes.data(), 4);
  for (size_t i = 20; i < p.size(); ++i) p[i] = 1;
  p.insert(p.end(), payload.begin(), payload.end());
  return p;
}

struct Probe {
  Address local, target;
  uint16_t target_port;
  uint16_t local_port;
};

struct Corpus {
  std::vector<std::vector<uint8_t>> v4;    // IPv4 packets
  std::vector<std::vector<uint8_t>> tcp6;  // IPv6 TCP segments (from 2001:db8::k to 2001:db8::1)
  std::vector<std::vector<uint8_t>> icmp6; // ICMPv6 messages
  std::vector<Probe> probes;
};

Corpus seeds(const SynCookie& cookie) {
  Corpus c;
  const Address local4 = v4(198, 51, 100, 1), local6 = v6(1);
  for (uint8_t k = 2; k < 6; ++k) {
    for (uint32_t attempt = 0; attempt < 3; ++attempt) {
      const uint16_t port = static_cast<uint16_t>(1000 + k);
      const Address t4 = v4(198, 51, 100, k), t6 = v6(k);
      const uint16_t l4 = cookie.source_port(t4, port, kFirst, kCount, attempt);
      const uint16_t l6 = cookie.source_port(t6, port, kFirst, kCount, attempt);
      c.probes.push_back({local4, t4, port, l4});
      c.probes.push_back({local6, t6, port, l6});
      const uint32_t s4 = cookie.cookie(local4, t4, l4, port), s6 = cookie.cookie(local6, t6, l6, port);
      c.v4.push_back(ipv4(t4, local4, 6, tcp_segment(port, l4, 7, s4 + 1, kTcpSyn | kTcpAck, 4 * attempt)));
      c.v4.push_back(ipv4(t4, local4, 6, tcp_segment(port, l4, 0, s4 + 1, kTcpRst | kTcpAck, 0), 8));
      c.v4.push_back(ipv4(t4, local4, 6, tcp_segment(port, l4, 9, 0, kTcpSyn, 0)));  // split handshake
      c.v4.push_back(ipv4(local4, t4, 6, tcp_segment(l4, port, s4, 0, kTcpSyn, 4)));  // our own SYN
      c.v4.push_back(ipv4(local4, t4, 6, tcp_segment(l4, port, s4 + 1, 0, kTcpRst, 0)));  // our kernel's RST
      c.v4.push_back(ipv4(t4, local4, 6, tcp_segment(port, l4, 7, s4 + 1, kTcpSyn | kTcpAck, 0), 0, 0x2001));  // a fragment
      std::vector<uint8_t> quote = ipv4(local4, t4, 6, tcp_segment(l4, port, s4, 0, kTcpSyn, 4));
      quote.resize(28);
      for (uint8_t code : {0, 1, 3, 9, 13}) {
        std::vector<uint8_t> icmp{3, code, 0, 0, 0, 0, 0, 0};
        icmp.insert(icmp.end(), quote.begin(), quote.end());
        c.v4.push_back(ipv4(v4(198, 51, 100, 254), local4, 1, icmp));
      }
      c.tcp6.push_back(tcp_segment(port, l6, 7, s6 + 1, kTcpSyn | kTcpAck, 4));
      c.tcp6.push_back(tcp_segment(port, l6, 0, s6 + 1, kTcpRst | kTcpAck, 0));
      SynTemplate q(6);
      q.set(local6, t6, l6, port, s6);
      for (uint8_t code : {0, 1, 3, 4}) {
        std::vector<uint8_t> icmp{1, code, 0, 0, 0, 0, 0, 0};
        icmp.insert(icmp.end(), q.bytes(), q.bytes() + q.size());
        c.icmp6.push_back(icmp);
      }
    }
  }
  return c;
}

void mutate(std::vector<uint8_t>& p, std::mt19937_64& rng) {
  const unsigned rounds = 1 + static_cast<unsigned>(rng() % 4);
  for (unsigned r = 0; r < rounds; ++r) {
    switch (rng() % 7) {
      case 0:
        if (!p.empty()) p[rng() % p.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
        break;
      case 1:
        if (!p.empty()) p[rng() % p.size()] = static_cast<uint8_t>(rng());
        break;
      case 2:
        p.resize(p.empty() ? 0 : rng() % (p.size() + 1));  // truncate
        break;
      case 3:
        for (unsigned n = static_cast<unsigned>(rng() % 64); n > 0; --n) p.push_back(static_cast<uint8_t>(rng()));
        break;
      case 4:  // header length fields: IPv4 IHL, TCP data offset (at the usual places)
        if (!p.empty()) p[0] = static_cast<uint8_t>((p[0] & 0xf0) | (rng() & 0x0f));
        if (p.size() > 32) p[32] = static_cast<uint8_t>(rng());
        break;
      case 5:  // IPv4 total length
        if (p.size() > 3) put16(&p[2], static_cast<uint16_t>(rng()));
        break;
      default: {  // a packet of random bytes
        p.assign(rng() % 120, 0);
        for (uint8_t& b : p) b = static_cast<uint8_t>(rng());
        break;
      }
    }
  }
}

[[noreturn]] void fail(const char* what, const std::vector<uint8_t>& packet) {
  std::fprintf(stderr, "reply_fuzz: %s; packet (%zu bytes):", what, packet.size());
  for (uint8_t b : packet) std::fprintf(stderr, " %02x", b);
  std::fprintf(stderr, "\n");
  std::abort();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: reply_fuzz SECONDS SEED\n");
    return 2;
  }
  const double seconds = std::atof(argv[1]);
  const uint64_t seed = std::strtoull(argv[2], nullptr, 10);
  std::mt19937_64 rng(seed);
  const SynCookie cookie(seed, 0x1234, 0x5678);
  const Corpus corpus = seeds(cookie);
  const auto known = [&](const ReplyEvent& e) {
    for (const Probe& p : corpus.probes) {
      if (p.target.family == e.target.family && p.target.bytes == e.target.bytes && p.target_port == e.target_port &&
          p.local_port == e.local_port)
        return true;
    }
    return false;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  uint64_t iterations = 0, accepted = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    for (int batch = 0; batch < 256; ++batch, ++iterations) {
      const unsigned kind = static_cast<unsigned>(rng() % 3);
      const auto& pool = kind == 0 ? corpus.v4 : kind == 1 ? corpus.tcp6 : corpus.icmp6;
      std::vector<uint8_t> packet = pool[rng() % pool.size()];
      if (rng() % 8 != 0) mutate(packet, rng);
      // A heap copy of exactly this length: the sanitizer sees any read past it.
      uint8_t* exact = static_cast<uint8_t*>(std::malloc(packet.size() + (packet.empty() ? 1 : 0)));
      if (!packet.empty()) std::memcpy(exact, packet.data(), packet.size());
      ParsedReply reply;
      bool parsed = false;
      if (kind == 0) {
        parsed = parse_ipv4_packet(exact, packet.size(), reply);
      } else if (kind == 1) {
        parsed = parse_ipv6_tcp(exact, packet.size(), v6(static_cast<uint8_t>(2 + rng() % 4)), v6(1), 64, reply);
      } else {
        parsed = parse_icmpv6(exact, packet.size(), 60, reply);
      }
      std::free(exact);
      if (!parsed) continue;
      ReplyEvent event;
      if (validate_reply(reply, cookie, kFirst, kCount, event) == ReplyVerdict::Accepted) {
        ++accepted;
        if (!known(event)) fail("a reply for no probe was accepted", packet);
        if (event.try_index >= kMaxTryPorts) fail("an accepted reply names no try", packet);
        if (event.state != PortState::Open && event.state != PortState::Closed && event.state != PortState::Filtered &&
            event.state != PortState::Unreachable)
          fail("an accepted reply has no port state", packet);
      }
    }
  }
  std::printf("iterations %llu, accepted %llu\n", static_cast<unsigned long long>(iterations),
              static_cast<unsigned long long>(accepted));
  return 0;
}
