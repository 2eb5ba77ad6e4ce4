/** Driving a CrudPage: open the form, fill labelled fields, save, and find rows. */
import { expect, type Page } from "@playwright/test";

export type FieldValues = Record<string, string | { select: string } | { check: boolean }>;

export async function fillDialog(page: Page, dialogName: string | RegExp, values: FieldValues) {
  const dialog = page.getByRole("dialog", { name: dialogName });
  for (const [label, v] of Object.entries(values)) {
    const field = dialog.getByLabel(label, { exact: true });
    if (typeof v === "string") await field.fill(v);
    else if ("select" in v) await field.selectOption(v.select);
    else await field.setChecked(v.check);
  }
  return dialog;
}

/** Clicks "Add <noun>", fills the form and saves; waits for the dialog to close. */
export async function createRow(page: Page, noun: string, values: FieldValues) {
  await page.getByRole("button", { name: `Add ${noun}` }).click();
  const dialog = await fillDialog(page, `New ${noun}`, values);
  await dialog.getByRole("button", { name: `Create ${noun}` }).click();
  await expect(dialog).toBeHidden();
}

export function rowOf(page: Page, table: string, text: string) {
  return page.getByRole("table", { name: table }).getByRole("row").filter({ hasText: text });
}

/** Deletes a row through its Delete button and the confirmation dialog. */
export async function deleteRow(page: Page, table: string, text: string, noun: string) {
  await rowOf(page, table, text)
    .getByRole("button", { name: /^Delete/ })
    .click();
  await page
    .getByRole("dialog", { name: `Delete ${noun}?` })
    .getByRole("button", { name: "Delete" })
    .click();
  await expect(rowOf(page, table, text)).toHaveCount(0);
}
