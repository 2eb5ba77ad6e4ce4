"use client";
import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/**
 * False in the server-rendered HTML and until React has attached event handlers. Buttons that act
 * through JavaScript stay disabled until then, so an early click is not silently lost (and the login
 * form is never submitted natively, which would put the password in the URL).
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
