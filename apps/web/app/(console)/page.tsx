import { redirect } from "next/navigation";

// The dashboard page replaces this redirect once it exists.
export default function Home() {
  redirect("/subscribers");
}
