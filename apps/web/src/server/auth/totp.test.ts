import assert from "node:assert/strict";
import { test } from "node:test";
import { base32Decode, base32Encode, hotp, totp, verifyTotp } from "./totp";

// RFC 6238 Appendix B uses the ASCII secret "12345678901234567890" (SHA1); its 8-digit values end in
// the 6-digit codes below.
const rfcSecret = base32Encode(Buffer.from("12345678901234567890"));

test("TOTP matches the RFC 6238 SHA1 test vectors (last 6 digits)", () => {
  assert.equal(totp(rfcSecret, 59_000), "287082");
  assert.equal(totp(rfcSecret, 1_111_111_109_000), "081804");
  assert.equal(totp(rfcSecret, 1_234_567_890_000), "005924");
  assert.equal(totp(rfcSecret, 20_000_000_000_000), "353130");
});

test("HOTP matches the RFC 4226 Appendix D values", () => {
  const secret = Buffer.from("12345678901234567890");
  assert.deepEqual(
    [0, 1, 2, 9].map((c) => hotp(secret, c)),
    ["755224", "287082", "359152", "520489"],
  );
});

test("a code from the previous or next 30 s step is accepted, older ones are not", () => {
  const at = 1_234_567_890_000;
  assert.ok(verifyTotp(rfcSecret, totp(rfcSecret, at - 30_000), at));
  assert.ok(verifyTotp(rfcSecret, totp(rfcSecret, at + 30_000), at));
  assert.ok(!verifyTotp(rfcSecret, totp(rfcSecret, at - 90_000), at));
  assert.ok(!verifyTotp(rfcSecret, "12345", at));
});

test("base32 round-trips arbitrary bytes and ignores spaces and padding", () => {
  const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255, 7]);
  assert.deepEqual(base32Decode(base32Encode(bytes)), bytes);
  // RFC 4648 §10: BASE32("foob") = "MZXW6YQ="
  assert.deepEqual(base32Decode("mzxw 6yq="), Buffer.from("foob"));
});
