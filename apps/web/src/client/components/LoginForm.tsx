"use client";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage, fieldErrorsOf } from "../errors";
import { useHydrated } from "../hydrated";
import { useTRPC } from "../trpc";

export function LoginForm() {
  const trpc = useTRPC();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [totp, setTotp] = useState("");
  const [needTotp, setNeedTotp] = useState(false);
  const [error, setError] = useState("");
  const login = useMutation(trpc.auth.login.mutationOptions());
  const hydrated = useHydrated();

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError("");
    try {
      const res = await login.mutateAsync({ username, password, ...(needTotp ? { totp } : {}) });
      if (res.status === "totp_required") {
        setNeedTotp(true);
        return;
      }
      // A full load picks up the new session cookie and its CSRF token in the layout.
      window.location.assign("/");
    } catch (err) {
      const fields = fieldErrorsOf(err);
      setError(Object.values(fields)[0] ?? errorMessage(err));
    }
  };

  return (
    <form className="card login" onSubmit={submit} aria-labelledby="login-title">
      <h1 id="login-title">Switchboard console</h1>
      {error && (
        <p className="form-error" role="alert" data-testid="login-error">
          {error}
        </p>
      )}
      <div className="field">
        <label htmlFor="login-username">Username</label>
        <input
          id="login-username"
          name="username"
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
          autoFocus
        />
      </div>
      <div className="field">
        <label htmlFor="login-password">Password</label>
        <input
          id="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
      </div>
      {needTotp && (
        <div className="field">
          <label htmlFor="login-totp">Authentication code</label>
          <input
            id="login-totp"
            name="totp"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="\d{6}"
            value={totp}
            onChange={(e) => setTotp(e.target.value)}
            required
            autoFocus
          />
          <small className="help">The 6-digit code from your authenticator app.</small>
        </div>
      )}
      <button type="submit" className="btn btn-primary btn-block" disabled={!hydrated || login.isPending}>
        {login.isPending ? "Logging in…" : "Log in"}
      </button>
    </form>
  );
}
