import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatTable, quantile } from "./report.ts";

describe("report helpers", () => {
  it("takes nearest-rank quantiles", () => {
    const xs = Array.from({ length: 50 }, (_, i) => i + 1);
    assert.equal(quantile(xs, 0.5), 25);
    assert.equal(quantile(xs, 0.95), 48);
    assert.equal(quantile([7], 0.95), 7);
    assert.equal(quantile([], 0.5), 0);
  });

  it("pads the first column left and the others right", () => {
    const t = formatTable(
      ["name", "n"],
      [
        ["a", "1"],
        ["bbb", "22"],
      ],
    );
    assert.equal(t, ["name   n", "----  --", "a      1", "bbb   22"].join("\n"));
  });
});
