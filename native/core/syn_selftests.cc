// syn_selftests(): checks of the SYN engine's pure parts that need no privilege
// and no network: checksums against known vectors, incremental vs full checksums,
// SYN templates (IPv4/IPv6 header fields, MSS option), SipHash and cookie keying,
// parsing and validation of handcrafted SYN-ACK / RST / ICMP / ICMPv6 replies
// (a SYN-ACK with a wrong ack must be rejected), rate control and the in-flight table.
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "packet.h"
#include "rate_control.h"
#include "syn_cookie.h"
#include "syn_engine.h"
#include "syn_inflight.h"
#include "syn_receiver.h"
#include "syn_tarpit.h"
#include "route_table.h"
#include "syn_timing.h"

namespace portpick {
namespace {

class Checks {
 public:
  explicit Checks(std::vector<SelfTestResult>& out) : out_(out) {}
  void check(const std::string& name, bool ok, const std::string& detail = "") {
    out_.push_back(SelfTestResult{"syn: " + name, ok, ok ? "" : detail});
  }

 private:
  std::vector<SelfTestResult>& out_;
};

std::string hex(uint64_t v) {
  std::ostringstream s;
  s << "0x" << std::hex << v;
  return s.str();
}

Address v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  Address x;
  x.family = 4;
  x.bytes[0] = a; x.bytes[1] = b; x.bytes[2] = c; x.bytes[3] = d;
  return x;
}

Address v6(uint16_t last) {
  Address x;  // 2001:db8::last
  x.family = 6;
  x.bytes[0] = 0x20; x.bytes[1] = 0x01; x.bytes[2] = 0x0d; x.bytes[3] = 0xb8;
  x.bytes[14] = static_cast<uint8_t>(last >> 8);
  x.bytes[15] = static_cast<uint8_t>(last);
  return x;
}

uint16_t get16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
uint32_t get32(const uint8_t* p) { return (static_cast<uint32_t>(get16(p)) << 16) | get16(p + 2); }
void put16(uint8_t* p, uint16_t v) { p[0] = static_cast<uint8_t>(v >> 8); p[1] = static_cast<uint8_t>(v); }
void put32(uint8_t* p, uint32_t v) { put16(p, static_cast<uint16_t>(v >> 16)); put16(p + 2, static_cast<uint16_t>(v)); }

struct Lcg {
  uint64_t s;
  uint32_t next() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(s >> 32);
  }
};

// A TCP header (20 bytes) from `from` to `to`, with a valid checksum.
std::vector<uint8_t> tcp_segment(const Address& from, const Address& to, uint16_t sport, uint16_t dport, uint32_t seq,
                                 uint32_t ack, uint8_t flags) {
  std::vector<uint8_t> t(20, 0);
  put16(&t[0], sport);
  put16(&t[2], dport);
  put32(&t[4], seq);
  put32(&t[8], ack);
  t[12] = 5 << 4;
  t[13] = flags;
  put16(&t[14], 65535);
  put16(&t[16], tcp_checksum(from, to, t.data(), t.size()));
  return t;
}

std::vector<uint8_t> ipv4_packet(const Address& from, const Address& to, uint8_t protocol, const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> p(20 + payload.size(), 0);
  p[0] = 0x45;
  put16(&p[2], static_cast<uint16_t>(p.size()));
  p[8] = 57;
  p[9] = protocol;
  std::memcpy(&p[12], from.bytes.data(), 4);
  std::memcpy(&p[16], to.bytes.data(), 4);
  put16(&p[10], checksum_finish(checksum_accumulate(p.data(), 20, 0)));
  std::memcpy(&p[20], payload.data(), payload.size());
  return p;
}

void checksum_tests(Checks& c) {
  const uint8_t rfc1071[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  const uint16_t sum = checksum_finish(checksum_accumulate(rfc1071, sizeof(rfc1071), 0));
  c.check("RFC 1071 example sums to 0xddf2", sum == static_cast<uint16_t>(~0xddf2), hex(sum));
  const uint8_t header[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                            0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  const uint16_t ip = checksum_finish(checksum_accumulate(header, sizeof(header), 0));
  c.check("IPv4 header checksum known vector (0xb861)", ip == 0xb861, hex(ip));
  const uint8_t odd[] = {0x01, 0x02, 0x03};
  const uint16_t odd_sum = checksum_finish(checksum_accumulate(odd, 3, 0));
  c.check("odd length pads with zero", odd_sum == static_cast<uint16_t>(~(0x0102 + 0x0300)), hex(odd_sum));

  Lcg rng{42};
  bool ok = true;
  std::string detail;
  for (int round = 0; round < 2000 && ok; ++round) {
    uint8_t data[32];
    for (auto& b : data) b = static_cast<uint8_t>(rng.next());
    data[10] = data[11] = 0;
    const uint16_t before = checksum_finish(checksum_accumulate(data, sizeof(data), 0));
    const size_t at = (rng.next() % 15) * 2;
    if (at == 10) continue;
    const uint16_t old = get16(data + at), value = static_cast<uint16_t>(rng.next());
    put16(data + at, value);
    const uint16_t full = checksum_finish(checksum_accumulate(data, sizeof(data), 0));
    put16(data + 10, checksum_update16(before, old, value));
    const bool verifies = checksum_finish(checksum_accumulate(data, sizeof(data), 0)) == 0;
    if (!verifies || (full != get16(data + 10) && !(full == 0 && get16(data + 10) == 0xffff) &&
                      !(full == 0xffff && get16(data + 10) == 0))) {
      ok = false;
      detail = "round " + std::to_string(round) + ": full " + hex(full) + " incremental " + hex(get16(data + 10));
    }
  }
  c.check("incremental 16-bit update equals full recompute (2000 random cases)", ok, detail);
  uint8_t word_data[8] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0};
  const uint16_t w_before = checksum_finish(checksum_accumulate(word_data, 8, 0));
  put32(word_data + 4, 0x01020304);
  const uint16_t w_full = checksum_finish(checksum_accumulate(word_data, 8, 0));
  c.check("incremental 32-bit update equals full recompute",
          checksum_update32(w_before, 0x9abcdef0, 0x01020304) == w_full, hex(w_full));
}

void template_tests(Checks& c) {
  SynTemplate t4(4);
  const Address src = v4(127, 0, 0, 1), dst = v4(198, 18, 3, 4);
  t4.set(src, dst, 61234, 8080, 0xdeadbeef);
  const uint8_t* p = t4.bytes();
  const uint8_t* tcp = p + 20;
  c.check("IPv4 SYN: version 4, IHL 5, total length 44", p[0] == 0x45 && get16(p + 2) == 44 && t4.size() == 44);
  c.check("IPv4 SYN: TTL 64, protocol TCP, DF", p[8] == 64 && p[9] == 6 && get16(p + 6) == 0x4000);
  c.check("IPv4 SYN: addresses", std::memcmp(p + 12, src.bytes.data(), 4) == 0 && std::memcmp(p + 16, dst.bytes.data(), 4) == 0);
  c.check("IPv4 SYN: header checksum verifies", checksum_finish(checksum_accumulate(p, 20, 0)) == 0);
  c.check("TCP SYN: ports, sequence, ack 0", get16(tcp) == 61234 && get16(tcp + 2) == 8080 &&
                                                 get32(tcp + 4) == 0xdeadbeef && get32(tcp + 8) == 0);
  c.check("TCP SYN: flags SYN only, data offset 6, window", tcp[13] == kTcpSyn && (tcp[12] >> 4) == 6 && get16(tcp + 14) == kSynWindow);
  c.check("TCP SYN: MSS option 1460", tcp[20] == 2 && tcp[21] == 4 && get16(tcp + 22) == 1460);
  c.check("TCP SYN (IPv4): checksum verifies", tcp_checksum(src, dst, tcp, 24) == 0, hex(tcp_checksum(src, dst, tcp, 24)));

  SynTemplate t6(6);
  const Address s6 = v6(1), d6 = v6(0x80);
  t6.set(s6, d6, 65000, 443, 0x01020304);
  const uint8_t* q = t6.bytes();
  c.check("IPv6 SYN: version 6, payload 24, next header TCP, hop limit 64",
          (q[0] >> 4) == 6 && get16(q + 4) == 24 && q[6] == 6 && q[7] == 64 && t6.size() == 64 && t6.tcp_size() == 24);
  c.check("IPv6 SYN: addresses", std::memcmp(q + 8, s6.bytes.data(), 16) == 0 && std::memcmp(q + 24, d6.bytes.data(), 16) == 0);
  c.check("TCP SYN (IPv6): checksum verifies", tcp_checksum(s6, d6, t6.tcp_bytes(), 24) == 0);

  // Incremental template checksums == full recompute over many random probes.
  Lcg rng{7};
  bool ok4 = true, ok6 = true;
  for (int i = 0; i < 3000; ++i) {
    Address a = v4(static_cast<uint8_t>(rng.next()), static_cast<uint8_t>(rng.next()), static_cast<uint8_t>(rng.next()),
                   static_cast<uint8_t>(rng.next()));
    Address b = v4(198, 18, static_cast<uint8_t>(rng.next()), static_cast<uint8_t>(rng.next()));
    t4.set(a, b, static_cast<uint16_t>(rng.next()), static_cast<uint16_t>(rng.next()), rng.next());
    ok4 = ok4 && tcp_checksum(a, b, t4.tcp_bytes(), 24) == 0 && checksum_finish(checksum_accumulate(t4.bytes(), 20, 0)) == 0;
    Address e = v6(static_cast<uint16_t>(rng.next())), f = v6(static_cast<uint16_t>(rng.next()));
    e.bytes[5] = static_cast<uint8_t>(rng.next());
    t6.set(e, f, static_cast<uint16_t>(rng.next()), static_cast<uint16_t>(rng.next()), rng.next());
    ok6 = ok6 && tcp_checksum(e, f, t6.tcp_bytes(), 24) == 0;
  }
  c.check("IPv4 template: incremental checksums valid for 3000 random probes", ok4);
  c.check("IPv6 template: incremental checksums valid for 3000 random probes", ok6);
}

void cookie_tests(Checks& c) {
  uint8_t message[15];
  for (uint8_t i = 0; i < 15; ++i) message[i] = i;
  const uint64_t h = siphash24(0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull, message, 15);
  c.check("SipHash-2-4 reference vector (15 bytes)", h == 0xa129ca6149be45e5ull, hex(h));
  const uint64_t h0 = siphash24(0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull, message, 0);
  c.check("SipHash-2-4 reference vector (empty)", h0 == 0x726fdb47dd0e0e31ull, hex(h0));

  const SynCookie a(1234, 0, 0), same(1234, 0, 0), other_seed(1235, 0, 0), other_secret(1234, 1, 0);
  const Address l = v4(127, 0, 0, 1), t = v4(127, 0, 0, 1);
  const uint32_t x = a.cookie(l, t, 61000, 80);
  c.check("cookie is deterministic for one key", x == same.cookie(l, t, 61000, 80));
  c.check("cookie depends on the seed and the secret",
          x != other_seed.cookie(l, t, 61000, 80) && x != other_secret.cookie(l, t, 61000, 80));
  c.check("cookie depends on every tuple field",
          x != a.cookie(l, t, 61001, 80) && x != a.cookie(l, t, 61000, 81) && x != a.cookie(v4(127, 0, 0, 2), t, 61000, 80) &&
              x != a.cookie(l, v4(127, 0, 0, 2), 61000, 80));
  bool in_range = true;
  for (uint16_t port = 1; port < 2000; ++port) {
    const uint16_t s = a.source_port(t, port, 1024, 31744);
    in_range = in_range && s >= 1024 && s < 1024 + 31744;
  }
  c.check("keyed source ports stay in the chosen range", in_range);
  bool distinct = true, round_trip = true;
  for (uint16_t port = 1; port < 500; ++port) {
    for (uint32_t k = 0; k < kMaxTryPorts; ++k) {
      const uint16_t s = a.source_port(t, port, 61000, 4536, k);
      round_trip = round_trip && a.try_of_port(t, port, s, 61000, 4536) == k;
      if (k > 0) distinct = distinct && s != a.source_port(t, port, 61000, 4536, k - 1);
    }
    const uint32_t after = 61000u + (a.source_port(t, port, 61000, 4536, 0) - 61000u + kMaxTryPorts) % 4536u;
    round_trip = round_trip && a.try_of_port(t, port, static_cast<uint16_t>(after), 61000, 4536) == kMaxTryPorts;
  }
  c.check("each try of a probe has a source port of its own (a 4-tuple of its own)", distinct);
  c.check("a source port names its try; other ports name none", round_trip);
}

void reply_tests(Checks& c) {
  const SynCookie cookie(99, 5, 6);
  const uint16_t first = 61000;
  const uint32_t count = 4536;
  const Address local = v4(127, 0, 0, 1), target = v4(198, 18, 0, 7);
  const uint16_t lport = cookie.source_port(target, 22, first, count);
  const uint32_t seq = cookie.cookie(local, target, lport, 22);
  ParsedReply r;
  ReplyEvent e;

  auto synack = ipv4_packet(target, local, 6, tcp_segment(target, local, 22, lport, 777, seq + 1, kTcpSyn | kTcpAck));
  bool parsed = parse_ipv4_packet(synack.data(), synack.size(), r);
  c.check("SYN-ACK parses", parsed && r.kind == ReplyKind::SynAck && r.target_port == 22 && r.local_port == lport && r.ttl == 57);
  c.check("SYN-ACK with ack = cookie + 1 → open",
          validate_reply(r, cookie, first, count, e) == ReplyVerdict::Accepted && e.state == PortState::Open &&
              e.reason == Reason::SynAck && e.target_port == 22 && e.target.bytes == target.bytes);

  const uint16_t lport2 = cookie.source_port(target, 22, first, count, 2);
  const uint32_t seq2 = cookie.cookie(local, target, lport2, 22);
  auto retry = ipv4_packet(target, local, 6, tcp_segment(target, local, 22, lport2, 777, seq2 + 1, kTcpSyn | kTcpAck));
  parse_ipv4_packet(retry.data(), retry.size(), r);
  c.check("SYN-ACK to the third try's source port (ack = its cookie + 1) → open, try index 2",
          validate_reply(r, cookie, first, count, e) == ReplyVerdict::Accepted && e.try_index == 2 && e.local_port == lport2);

  auto crossed = ipv4_packet(target, local, 6, tcp_segment(target, local, 22, lport2, 777, seq + 1, kTcpSyn | kTcpAck));
  parse_ipv4_packet(crossed.data(), crossed.size(), r);
  c.check("SYN-ACK acking the first try's cookie on the third try's port is rejected",
          validate_reply(r, cookie, first, count, e) == ReplyVerdict::Invalid);

  const uint16_t no_try = static_cast<uint16_t>(first + (lport - first + kMaxTryPorts) % count);
  auto untried = ipv4_packet(target, local, 6,
                             tcp_segment(target, local, 22, no_try, 777, cookie.cookie(local, target, no_try, 22) + 1, kTcpSyn | kTcpAck));
  parse_ipv4_packet(untried.data(), untried.size(), r);
  c.check("SYN-ACK to a port of our range that is no try's port is rejected",
          validate_reply(r, cookie, first, count, e) == ReplyVerdict::Invalid);

  auto bogus = ipv4_packet(target, local, 6, tcp_segment(target, local, 22, lport, 777, seq + 2, kTcpSyn | kTcpAck));
  parse_ipv4_packet(bogus.data(), bogus.size(), r);
  c.check("bogus SYN-ACK (wrong ack) is rejected", validate_reply(r, cookie, first, count, e) == ReplyVerdict::Invalid);

  auto spoofed = ipv4_packet(v4(198, 18, 0, 8), local, 6,
                             tcp_segment(v4(198, 18, 0, 8), local, 22, lport, 777, seq + 1, kTcpSyn | kTcpAck));
  parse_ipv4_packet(spoofed.data(), spoofed.size(), r);
  c.check("SYN-ACK from another address with a replayed ack is rejected",
          validate_reply(r, cookie, first, count, e) == ReplyVerdict::Invalid);

  auto rst = ipv4_packet(target, local, 6, tcp_segment(target, local, 22, lport, 0, seq + 1, kTcpRst | kTcpAck));
  parse_ipv4_packet(rst.data(), rst.size(), r);
  c.check("RST|ACK with ack = cookie + 1 → closed",
          validate_reply(r, cookie, first, count, e) == ReplyVerdict::Accepted && e.state == PortState::Closed &&
              e.reason == Reason::Reset);

  auto stray = ipv4_packet(target, local, 6, tcp_segment(target, local, 22, 40000, 0, seq + 1, kTcpRst | kTcpAck));
  parse_ipv4_packet(stray.data(), stray.size(), r);
  c.check("reply to a port outside our range is ignored", validate_reply(r, cookie, first, count, e) == ReplyVerdict::Ignored);

  // Our own SYN and our kernel's RST, looped back on lo, are recognised as ours.
  SynTemplate t(4);
  t.set(local, target, lport, 22, seq);
  std::vector<uint8_t> own(t.bytes(), t.bytes() + t.size());
  parse_ipv4_packet(own.data(), own.size(), r);
  c.check("our own looped-back SYN is recognised", validate_reply(r, cookie, first, count, e) == ReplyVerdict::Own);
  auto kernel_rst = ipv4_packet(local, target, 6, tcp_segment(local, target, lport, 22, seq + 1, 0, kTcpRst));
  parse_ipv4_packet(kernel_rst.data(), kernel_rst.size(), r);
  c.check("our kernel's RST to a SYN-ACK is recognised", validate_reply(r, cookie, first, count, e) == ReplyVerdict::Own);

  auto split = ipv4_packet(target, local, 6, tcp_segment(target, local, 22, lport, 4242, 0, kTcpSyn));
  parse_ipv4_packet(split.data(), split.size(), r);
  c.check("a bare SYN to the keyed source port (split handshake: nothing to verify) is rejected",
          validate_reply(r, cookie, first, count, e) == ReplyVerdict::Invalid);

  // ICMP errors quoting our SYN (IP header + the first 8 TCP bytes, as RFC 792 guarantees).
  auto icmp = [&](uint8_t type, uint8_t code, uint32_t quoted_seq) {
    SynTemplate q(4);
    q.set(local, target, lport, 22, quoted_seq);
    std::vector<uint8_t> body(8, 0);
    body[0] = type;
    body[1] = code;
    body.insert(body.end(), q.bytes(), q.bytes() + 28);
    put16(&body[2], checksum_finish(checksum_accumulate(body.data(), body.size(), 0)));
    return ipv4_packet(v4(198, 18, 0, 1), local, 1, body);
  };
  auto port_unreachable = icmp(3, 3, seq);
  parsed = parse_ipv4_packet(port_unreachable.data(), port_unreachable.size(), r);
  c.check("ICMP port unreachable quoting our SYN → filtered",
          parsed && validate_reply(r, cookie, first, count, e) == ReplyVerdict::Accepted &&
              e.state == PortState::Filtered && e.reason == Reason::IcmpPortUnreachable && e.target_port == 22);
  auto host_unreachable = icmp(3, 1, seq);
  parse_ipv4_packet(host_unreachable.data(), host_unreachable.size(), r);
  c.check("ICMP host unreachable → unreachable",
          validate_reply(r, cookie, first, count, e) == ReplyVerdict::Accepted && e.state == PortState::Unreachable &&
              e.reason == Reason::HostUnreachable);
  auto prohibited = icmp(3, 13, seq);
  parse_ipv4_packet(prohibited.data(), prohibited.size(), r);
  c.check("ICMP administratively prohibited → filtered",
          validate_reply(r, cookie, first, count, e) == ReplyVerdict::Accepted && e.reason == Reason::IcmpProhibited);
  auto forged = icmp(3, 3, seq + 1);
  parse_ipv4_packet(forged.data(), forged.size(), r);
  c.check("ICMP quoting a wrong sequence is rejected", validate_reply(r, cookie, first, count, e) == ReplyVerdict::Invalid);

  // IPv6: TCP segment from recvmsg, and ICMPv6.
  const Address l6 = v6(1), t6 = v6(0x42);
  const uint16_t lport6 = cookie.source_port(t6, 443, first, count);
  const uint32_t seq6 = cookie.cookie(l6, t6, lport6, 443);
  auto seg = tcp_segment(t6, l6, 443, lport6, 1, seq6 + 1, kTcpSyn | kTcpAck);
  parsed = parse_ipv6_tcp(seg.data(), seg.size(), t6, l6, 64, r);
  c.check("IPv6 SYN-ACK → open", parsed && validate_reply(r, cookie, first, count, e) == ReplyVerdict::Accepted &&
                                     e.state == PortState::Open && e.target.family == 6);
  auto bad6 = tcp_segment(t6, l6, 443, lport6, 1, seq6 - 5, kTcpSyn | kTcpAck);
  parse_ipv6_tcp(bad6.data(), bad6.size(), t6, l6, 64, r);
  c.check("IPv6 bogus SYN-ACK is rejected", validate_reply(r, cookie, first, count, e) == ReplyVerdict::Invalid);
  SynTemplate q6(6);
  q6.set(l6, t6, lport6, 443, seq6);
  std::vector<uint8_t> icmp6(8, 0);
  icmp6[0] = 1;
  icmp6[1] = 1;
  icmp6.insert(icmp6.end(), q6.bytes(), q6.bytes() + q6.size());
  parsed = parse_icmpv6(icmp6.data(), icmp6.size(), 60, r);
  c.check("ICMPv6 administratively prohibited → filtered",
          parsed && validate_reply(r, cookie, first, count, e) == ReplyVerdict::Accepted &&
              e.state == PortState::Filtered && e.reason == Reason::IcmpProhibited && e.target_port == 443);
  icmp6[1] = 3;
  parse_icmpv6(icmp6.data(), icmp6.size(), 60, r);
  c.check("ICMPv6 address unreachable → unreachable",
          validate_reply(r, cookie, first, count, e) == ReplyVerdict::Accepted && e.state == PortState::Unreachable);

  std::vector<uint8_t> truncated(synack.begin(), synack.begin() + 30);
  c.check("truncated packet is not parsed", !parse_ipv4_packet(truncated.data(), truncated.size(), r));
}

void control_tests(Checks& c) {
  AdaptiveRate rate(0);
  int64_t now = 1'000'000'000;
  for (int i = 0; i < 10; ++i) rate.tick(now += AdaptiveRate::kMinIntervalNs, 1e9, 0, 0);
  const double grown = rate.rate();
  c.check("adaptive rate grows without loss (slow start)", grown > AdaptiveRate::kInitialRate * 8, std::to_string(grown));
  for (int i = 0; i < 1000; ++i) rate.on_answer(i % 100 == 0, now - 1, grown, now);
  c.check("1 % random loss does not slow the sweep", rate.rate() == grown, std::to_string(rate.rate()));
  for (int i = 0; i < 50; ++i) rate.on_answer(true, now - 1, 40000, now);
  c.check("sustained loss halves the rate (to half the lost tries' rate), burst ~200 µs of it",
          rate.rate() == 20000 && rate.burst() == 4, std::to_string(rate.rate()));
  for (int i = 0; i < 50; ++i) rate.on_answer(true, now - 1, 20000, now + 1);
  c.check("one loss episode causes one decrease", rate.rate() == 20000, std::to_string(rate.rate()));
  rate.on_answer(true, now + 2, 20000, now + 3);
  c.check("a loss after the decrease decreases again", rate.rate() == 10000, std::to_string(rate.rate()));
  AdaptiveRate capped(5000);
  for (int i = 0; i < 20; ++i) capped.tick(now += AdaptiveRate::kMinIntervalNs, 1e9, 0, 0);
  c.check("adaptive rate never exceeds the ceiling", capped.rate() == 5000, std::to_string(capped.rate()));

  RttEstimator rtt(1000, 50, 1000);
  const bool initial = rtt.timeout_ns() == 1'000'000'000;
  for (int i = 0; i < 20; ++i) rtt.sample(100'000);
  c.check("RTT timeout: initial wait, then srtt + 4·rttvar clamped to the minimum",
          initial && rtt.timeout_ns() == 50'000'000, std::to_string(rtt.timeout_ns()));
  rtt.sample(5'000'000'000);
  c.check("RTT timeout clamped to the maximum", rtt.timeout_ns() == 1'000'000'000, std::to_string(rtt.timeout_ns()));

  InflightTable table(4);
  PositionRing ring(8);
  ProbeTarget a, b;
  a.address = v4(127, 0, 0, 1); a.port = 1; a.position = 10;
  b.address = v4(127, 0, 0, 1); b.port = 2; b.position = 11;
  const int32_t sa = table.insert(a, ring.push(a.position));
  const int32_t sb = table.insert(b, ring.push(b.position));
  table.arm(sa, 1000, 300'000'000);
  table.arm(sb, 2000, 50'000'000);
  c.check("in-flight table finds probes by (address, port)",
          table.find(a.address, 1) == sa && table.find(b.address, 2) == sb && table.find(a.address, 3) < 0);
  c.check("timers: the shorter wait armed later expires first", table.earliest() == sb &&
          table.at(sb).deadline_ns >= 2000 + 50'000'000 && table.at(sb).deadline_ns < 2000 + 60'000'000);
  table.arm(sb, 3000, 900'000'000);
  c.check("timers: re-arming moves a probe", table.earliest() == sa && table.at(sa).deadline_ns >= 1000 + 300'000'000);
  bool classes = true;
  for (int64_t wait : {int64_t{1}, int64_t{999'999}, int64_t{1'000'000}, int64_t{73'000'001}, int64_t{3'600'000'000'000}}) {
    const int64_t d = timer_class_ns(timer_class(wait));
    classes = classes && d >= wait && (wait < 1'000'000 || d < wait * 1.19 + 1000);
  }
  c.check("timer classes round a wait up by less than 19 %", classes);
  ring.mark_done(table.at(sb).sequence);
  table.remove(sb);
  c.check("watermark stays at the oldest unfinished position", ring.watermark(12) == 10 && table.earliest() == sa);
  ring.mark_done(table.at(sa).sequence);
  table.remove(sa);
  c.check("watermark advances when every pulled probe is done", ring.watermark(12) == 12 && table.size() == 0);

  // The index grows with the slots (from 1,024 buckets): every probe stays findable across the growths.
  InflightTable big(8192);
  PositionRing big_ring(8192);
  std::vector<int32_t> slots;
  const auto probe = [](uint16_t i) {  // probe i: its own (address, port)
    ProbeTarget t;
    t.address = v4(198, 18, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i));
    t.port = static_cast<uint16_t>(1000 + i % 7);
    t.position = i;
    return t;
  };
  for (uint16_t i = 0; i < 3000; ++i) slots.push_back(big.insert(probe(i), big_ring.push(i)));
  for (size_t i = 0; i < slots.size(); i += 3) big.remove(slots[i]);
  for (uint16_t i = 3000; i < 6000; ++i) slots.push_back(big.insert(probe(i), big_ring.push(i)));
  bool all_found = big.size() == 5000;
  for (uint16_t i = 0; i < 6000 && all_found; ++i) {
    const int32_t found = big.find(probe(i).address, probe(i).port);
    all_found = (i < 3000 && i % 3 == 0) ? found < 0 : found == slots[i];
  }
  c.check("in-flight index: every probe found, none removed, after the index grew", all_found, std::to_string(big.size()));

  DestinationTiming timing(300);
  const Address near = v4(198, 18, 0, 5), near_same_24 = v4(198, 18, 0, 200), far = v4(198, 18, 7, 1);
  const bool unknown_waits_timeout = timing.retry_wait_ns(far) == 300'000'000 && timing.final_wait_ns(far) == 300'000'000;
  for (int i = 0; i < 5; ++i) timing.sample(near, 100'000);
  c.check("per-destination timing: a /24 with answers retries after its own estimate (floor 50 ms)",
          unknown_waits_timeout && timing.retry_wait_ns(near_same_24) == 50'000'000);
  c.check("per-destination timing: a silent /24 retries on the sweep's estimate",
          timing.retry_wait_ns(far) == 50'000'000);
  c.check("per-destination timing: the last try always waits --timeout",
          timing.final_wait_ns(near_same_24) == 300'000'000 && timing.final_wait_ns(far) == 300'000'000);
  Address long_v6 = v6(0x40);
  long_v6.bytes[6] = 5;
  const LongRoutes routes = LongRoutes::from_routes({{v4(198, 18, 96, 8), 30}, {v4(10, 0, 0, 0), 8}, {long_v6, 122}});
  Address same_64 = v6(0x1);
  same_64.bytes[6] = 5;
  c.check("long routes split their /24 (/64) only",
          routes.split(v4(198, 18, 96, 200)) && !routes.split(v4(198, 18, 97, 9)) && !routes.split(v4(10, 1, 2, 3)) &&
              routes.split(same_64) && !routes.split(v6(0x40)));

  TarpitGuard guard;
  uint16_t flags = 0;
  for (int i = 0; i < 150; ++i) flags = guard.record(v4(198, 18, 9, 9), PortState::Open);
  uint16_t normal = 0;
  for (int i = 0; i < 150; ++i) normal |= guard.record(v4(198, 18, 9, 10), i % 3 == 0 ? PortState::Open : PortState::Closed);
  c.check("tarpit guard flags a host open on every port, not a normal one",
          flags == record_flag::kTarpit && normal == 0 && guard.flagged_hosts() == 1);
}

}  // namespace

std::vector<SelfTestResult> syn_selftests() {
  std::vector<SelfTestResult> out;
  Checks c(out);
  checksum_tests(c);
  template_tests(c);
  cookie_tests(c);
  reply_tests(c);
  control_tests(c);
  return out;
}

}  // namespace portpick
