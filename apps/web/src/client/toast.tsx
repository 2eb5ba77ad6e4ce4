"use client";
import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from "react";

type Kind = "error" | "warning" | "success" | "info";
interface Toast {
  id: number;
  kind: Kind;
  text: string;
}
interface ToastApi {
  error(text: string): void;
  warning(text: string): void;
  success(text: string): void;
  info(text: string): void;
}

const ToastContext = createContext<ToastApi | null>(null);
const LIFETIME_MS: Record<Kind, number> = { error: 12_000, warning: 12_000, success: 4_000, info: 6_000 };

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((t) => t.filter((x) => x.id !== id)), []);
  const push = useCallback(
    (kind: Kind, text: string) => {
      const id = nextId.current++;
      setToasts((t) => [...t.slice(-4), { id, kind, text }]);
      setTimeout(() => dismiss(id), LIFETIME_MS[kind]);
    },
    [dismiss],
  );
  const api = useMemo<ToastApi>(
    () => ({
      error: (t) => push("error", t),
      warning: (t) => push("warning", t),
      success: (t) => push("success", t),
      info: (t) => push("info", t),
    }),
    [push],
  );
  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts" aria-live="polite" aria-relevant="additions">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === "error" ? "alert" : "status"}>
            <span>{t.text}</span>
            <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error("useToast outside ToastProvider");
  return api;
}
