// A logged point cloud (Object3D) in a WebGL view. three.js loads on first use,
// in a chunk of its own, so pages without point clouds never fetch it.

import { useEffect, useRef, useState } from "react";
import { classColor } from "./logic";

type Point = number[];

/** Points of an Object3D file: a list of [x, y, z(, class | r, g, b)], or W&B's
 * lidar/beta dict holding such a list under "points". */
export function pointsOf(data: unknown): Point[] {
  const list = Array.isArray(data)
    ? data
    : data && typeof data === "object" && Array.isArray((data as { points?: unknown }).points)
      ? (data as { points: unknown[] }).points
      : [];
  return list.filter((p): p is Point => Array.isArray(p) && p.length >= 3 && p.every((v) => typeof v === "number"));
}

function buffers(points: Point[]): { pos: Float32Array; col: Float32Array } {
  const pos = new Float32Array(points.length * 3);
  const col = new Float32Array(points.length * 3);
  points.forEach((p, i) => {
    pos.set([p[0], p[1], p[2]], i * 3);
    const rgb = p.length >= 6 ? [p[3], p[4], p[5]] : p.length === 4 ? classColor(Math.round(p[3])) : [70, 130, 200];
    col.set(
      rgb.map((v) => v / 255),
      i * 3,
    );
  });
  return { pos, col };
}

async function draw(canvas: HTMLCanvasElement, points: Point[]): Promise<() => void> {
  const THREE = await import("three");
  const { OrbitControls } = await import("three/addons/controls/OrbitControls.js");
  const renderer = new THREE.WebGLRenderer({ canvas, antialias: true });
  const { clientWidth: w, clientHeight: h } = canvas;
  renderer.setSize(w, h, false);
  const scene = new THREE.Scene();
  scene.background = new THREE.Color(0x111418);
  const geo = new THREE.BufferGeometry();
  const { pos, col } = buffers(points);
  geo.setAttribute("position", new THREE.BufferAttribute(pos, 3));
  geo.setAttribute("color", new THREE.BufferAttribute(col, 3));
  geo.computeBoundingSphere();
  const sphere = geo.boundingSphere ?? new THREE.Sphere(new THREE.Vector3(), 1);
  const radius = sphere.radius || 1;
  const cloud = new THREE.Points(geo, new THREE.PointsMaterial({ size: radius / 40, vertexColors: true }));
  scene.add(cloud);
  const camera = new THREE.PerspectiveCamera(50, w / h, radius / 100, radius * 100);
  camera.position.copy(sphere.center).add(new THREE.Vector3(radius * 1.6, radius * 1.2, radius * 1.6));
  const controls = new OrbitControls(camera, canvas);
  controls.target.copy(sphere.center);
  const render = () => renderer.render(scene, camera);
  controls.addEventListener("change", render);
  controls.update();
  render();
  return () => {
    controls.dispose();
    geo.dispose();
    renderer.dispose();
  };
}

export function PointCloud({ url }: { url: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [state, setState] = useState<{ status: "loading" | "drawn" | "error"; text?: string }>({
    status: "loading",
  });
  useEffect(() => {
    let stop: (() => void) | undefined;
    let live = true;
    (async () => {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`could not load the points (${res.status})`);
      const points = pointsOf(await res.json());
      if (!live || !canvas.current) return;
      stop = await draw(canvas.current, points);
      if (live) setState({ status: "drawn", text: `${points.length} points` });
    })().catch((e: unknown) => live && setState({ status: "error", text: String(e) }));
    return () => {
      live = false;
      stop?.();
    };
  }, [url]);
  return (
    <div className="media-3d" data-state={state.status}>
      <canvas ref={canvas} />
      <div className="media-3d-note">{state.status === "loading" ? "Loading…" : state.text}</div>
    </div>
  );
}
