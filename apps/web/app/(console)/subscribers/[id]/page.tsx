import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { SubscriberDetails } from "./details";

export const metadata: Metadata = { title: "Subscriber" };

export default async function SubscriberPage({ params }: { params: Promise<{ id: string }> }) {
  const id = Number((await params).id);
  if (!Number.isSafeInteger(id) || id <= 0) notFound();
  return <SubscriberDetails id={id} />;
}
