import type { NextConfig } from "next";

const config: NextConfig = {
  // Workspace packages export raw .ts; let Next compile them with the app.
  transpilePackages: [
    "@switchboard/config",
    "@switchboard/db",
    "@switchboard/match",
    "@switchboard/modules",
    "@switchboard/rpc",
  ],
  // The mysql2 driver uses Node APIs and dynamic requires; keep it out of the server bundle.
  serverExternalPackages: ["mysql2"],
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default config;
