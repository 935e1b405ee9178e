// @vitest-environment jsdom
import { cleanup, fireEvent, render } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ColumnPicker } from "./ColumnPicker";
import { baseColumns, keyColumns } from "./columns";
import { FilterBar, valueText } from "./FilterBar";

afterEach(cleanup);

describe("filter bar", () => {
  it("applies a new row only once it is edited", () => {
    const onChange = vi.fn();
    const { container, getByText } = render(
      <FilterBar state={{ rows: [], any: false }} fields={["state"]} onChange={onChange} />,
    );
    fireEvent.click(getByText("+ Filter"));
    expect(container.querySelectorAll(".filter-row")).toHaveLength(1);
    expect(onChange).not.toHaveBeenCalled();
    const value = container.querySelector(".f-value") as HTMLInputElement;
    value.value = "finished";
    value.dispatchEvent(new Event("change"));
    expect(onChange).toHaveBeenLastCalledWith({ rows: [{ field: "state", op: "=", value: "finished" }], any: false });
  });

  it("joins rows with or, and removes them", () => {
    const onChange = vi.fn();
    const rows = [
      { field: "state", op: "=", value: "finished" },
      { field: "config.lr", op: ">", value: "0.1" },
    ];
    const { container } = render(<FilterBar state={{ rows, any: false }} fields={[]} onChange={onChange} />);
    fireEvent.change(container.querySelector("select.f-join")!, { target: { value: "or" } });
    expect(onChange).toHaveBeenLastCalledWith({ rows, any: true });
    fireEvent.click(container.querySelectorAll("button.icon")[0]);
    expect(onChange).toHaveBeenLastCalledWith({ rows: rows.slice(1), any: true });
  });
});

describe("filter values and errors", () => {
  it("suggests the field's values from the data, typed so they parse back", () => {
    const rows = [{ field: "config.opt", op: "=", value: "" }];
    const { container } = render(
      <FilterBar
        state={{ rows, any: false }}
        fields={[]}
        values={{ "config.opt": ["adam", "sgd", "3"], state: ["finished"] }}
        onChange={() => {}}
      />,
    );
    const input = container.querySelector(".f-value") as HTMLInputElement;
    const list = container.querySelector(`datalist#${input.getAttribute("list")}`)!;
    expect([...list.querySelectorAll("option")].map((o) => o.value)).toEqual(["adam", "sgd", '"3"']);
    expect(valueText(0.1)).toBe("0.1");
    expect(valueText("true")).toBe('"true"');
  });

  it("hides the value for exists and shows the server's complaint", () => {
    const onChange = vi.fn();
    const rows = [{ field: "tags", op: "=", value: "" }];
    const { container, getByRole } = render(
      <FilterBar
        state={{ rows, any: false }}
        fields={[]}
        error="tags support $eq $ne $in $nin $exists $regex, not $gt/$lt"
        onChange={onChange}
      />,
    );
    expect(getByRole("alert").textContent).toContain("not $gt/$lt");
    fireEvent.change(container.querySelector("select.f-op")!, { target: { value: "exists" } });
    expect(onChange).toHaveBeenLastCalledWith({ rows: [{ field: "tags", op: "exists", value: "" }], any: false });
    expect((container.querySelector(".f-value") as HTMLInputElement).hidden).toBe(true);
  });
});

describe("column picker", () => {
  const all = [...baseColumns(), ...keyColumns(["lr"], ["loss"], [])];

  it("hides a column and moves one, keeping Name pinned first", () => {
    const onChange = vi.fn();
    const { container } = render(
      <ColumnPicker all={all} layout={{ order: [], hidden: [] }} onChange={onChange} onClose={() => {}} />,
    );
    fireEvent.click(container.querySelector(".col-item[data-col='config.lr'] input")!);
    expect(onChange).toHaveBeenLastCalledWith({ order: [], hidden: ["config.lr"] });
    fireEvent.click(container.querySelector(".col-item[data-col='runtime'] .up")!);
    const order = onChange.mock.calls.at(-1)![0].order as string[];
    expect(order[0]).toBe("name");
    expect(order.indexOf("runtime")).toBe(order.indexOf("created_at") - 1);
    expect(container.querySelector(".col-item[data-col='name'] .up")).toBeNull();
  });
});
