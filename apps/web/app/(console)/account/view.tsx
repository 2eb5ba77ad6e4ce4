"use client";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { issuesByField } from "@/client/components/FormDialog";
import { errorMessage, fieldErrorsOf } from "@/client/errors";
import { useHydrated } from "@/client/hydrated";
import { useSession } from "@/client/session";
import { useToast } from "@/client/toast";
import { useTRPC } from "@/client/trpc";
import { changePassword } from "@/shared/schemas/admins";

function ChangePassword() {
  const trpc = useTRPC();
  const toast = useToast();
  const [values, setValues] = useState({ current: "", next: "", repeat: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const change = useMutation(trpc.auth.changePassword.mutationOptions());
  const hydrated = useHydrated();

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const parsed = changePassword.safeParse({ current: values.current, next: values.next });
    const errs = parsed.success ? {} : issuesByField(parsed.error.issues);
    if (values.next !== values.repeat) errs.repeat = "the two new passwords differ";
    setErrors(errs);
    if (!parsed.success || errs.repeat) return;
    try {
      await change.mutateAsync(parsed.data);
      toast.success("Password changed; other sessions were logged out.");
      // The session (and its CSRF token) was replaced: reload to pick up the new one.
      window.location.reload();
    } catch (err) {
      const fe = fieldErrorsOf(err);
      setErrors(fe);
      if (!Object.keys(fe).length) toast.error(errorMessage(err));
    }
  };

  const field = (name: keyof typeof values, label: string, autoComplete: string) => (
    <div className={`field${errors[name] ? " has-error" : ""}`}>
      <label htmlFor={`pw-${name}`}>{label}</label>
      <input
        id={`pw-${name}`}
        type="password"
        autoComplete={autoComplete}
        value={values[name]}
        aria-invalid={errors[name] ? true : undefined}
        aria-describedby={errors[name] ? `pw-${name}-err` : undefined}
        onChange={(e) => setValues((v) => ({ ...v, [name]: e.target.value }))}
      />
      {errors[name] && (
        <small id={`pw-${name}-err`} className="error">
          {errors[name]}
        </small>
      )}
    </div>
  );

  return (
    <form className="panel" onSubmit={submit} noValidate aria-labelledby="pw-title">
      <h2 id="pw-title">Change password</h2>
      {field("current", "Current password", "current-password")}
      {field("next", "New password", "new-password")}
      {field("repeat", "New password again", "new-password")}
      <button type="submit" className="btn btn-primary" disabled={!hydrated || change.isPending}>
        Change password
      </button>
    </form>
  );
}

function TwoFactor() {
  const trpc = useTRPC();
  const toast = useToast();
  const session = useSession();
  const [setup, setSetup] = useState<{ secret: string; uri: string } | null>(null);
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const start = useMutation(trpc.auth.totpSetup.mutationOptions({ onSuccess: setSetup }));
  const enable = useMutation(trpc.auth.totpEnable.mutationOptions());
  const disable = useMutation(trpc.auth.totpDisable.mutationOptions());
  const hydrated = useHydrated();

  const finish = async (action: () => Promise<unknown>, done: string) => {
    setError("");
    try {
      await action();
      toast.success(done);
      window.location.reload();
    } catch (err) {
      setError(Object.values(fieldErrorsOf(err))[0] ?? errorMessage(err));
    }
  };

  if (session?.totpEnabled) {
    return (
      <section className="panel" aria-labelledby="tfa-title">
        <h2 id="tfa-title">Two-factor authentication</h2>
        <p>
          <span className="badge badge-ok">on</span> Logins ask for a code from your authenticator app.
        </p>
        <div className="inline-form">
          <div className="field">
            <label htmlFor="tfa-password">Password</label>
            <input
              id="tfa-password"
              type="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          <button
            type="button"
            className="btn btn-danger"
            disabled={!hydrated}
            onClick={() =>
              finish(() => disable.mutateAsync({ password }), "Two-factor authentication turned off")
            }
          >
            Turn off
          </button>
        </div>
        {error && <p className="form-error">{error}</p>}
      </section>
    );
  }
  return (
    <section className="panel" aria-labelledby="tfa-title">
      <h2 id="tfa-title">Two-factor authentication</h2>
      {!setup ? (
        <>
          <p>Off. Turn it on to ask for a 6-digit code (TOTP, RFC 6238) after the password.</p>
          <button
            type="button"
            className="btn"
            onClick={() => start.mutate()}
            disabled={!hydrated || start.isPending}
          >
            Set up
          </button>
        </>
      ) : (
        <>
          <p>
            Add this key to your authenticator app (manual entry, time-based, 6 digits, 30 s), then enter the
            code it shows:
          </p>
          <p>
            <code data-testid="totp-secret">{setup.secret.replace(/(.{4})/g, "$1 ").trim()}</code>
          </p>
          <p className="help">
            <code>{setup.uri}</code>
          </p>
          <div className="inline-form">
            <div className="field">
              <label htmlFor="tfa-code">Code</label>
              <input
                id="tfa-code"
                inputMode="numeric"
                autoComplete="one-time-code"
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
            </div>
            <button
              type="button"
              className="btn btn-primary"
              onClick={() =>
                finish(
                  () => enable.mutateAsync({ secret: setup.secret, code }),
                  "Two-factor authentication on",
                )
              }
            >
              Turn on
            </button>
          </div>
        </>
      )}
      {error && <p className="form-error">{error}</p>}
    </section>
  );
}

export function AccountView() {
  const session = useSession();
  return (
    <>
      <p className="lead">
        Logged in as <strong>{session?.username}</strong> ({session?.role}).
      </p>
      <ChangePassword />
      <TwoFactor />
    </>
  );
}
