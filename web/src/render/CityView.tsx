/**
 * The rendering layer: the only module that creates three.js objects. Buildings and district
 * platforms are one `InstancedMesh` each (two draw calls whatever the city's size, plus the
 * selection outline), the canvas renders on demand, and everything created here is disposed
 * on unmount.
 *
 * Inputs are the pure layout arrays; outputs are hover and selection callbacks with building
 * indices, so the pages never touch three.js.
 */
import { Canvas, useFrame, useThree, type ThreeEvent } from '@react-three/fiber';
import { OrbitControls } from '@react-three/drei';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import * as THREE from 'three';
import type { OrbitControls as OrbitControlsImpl } from 'three/examples/jsm/controls/OrbitControls.js';
import type { CityLayout } from '../layout/city';
import { districtColor } from '../layout/colors';
import { arcBuffers, buildingsBox, ribbonFromSegments } from '../layout/arcs';
import { buildPickIndex, districtAt, pickRay } from '../layout/pick';
import { lodOrder, visibleSlots } from '../layout/lod';
import { composeBuildingColors, srgbToLinear } from './colorSpace';
import { frameBox, type GroundBox } from './framing';
import type { CameraState } from '../state/cityParams';
import { SCENE_COLORS, type SceneColors, type Theme } from '../theme';
import { keyboardMove } from './keyboardCamera';

export interface CityViewProps {
  layout: CityLayout;
  /** Height per building, world units. */
  heights: Float32Array;
  /** sRGB colour per building, three floats each. */
  colors: Float32Array;
  /** 1 for buildings matching the search, 0 otherwise; null when not searching. */
  highlight: Uint8Array | null;
  selected: number | null;
  onHover: (index: number | null, clientX: number, clientY: number) => void;
  onSelect: (index: number | null) => void;
  /** Changing this number puts the camera back to its initial framing. */
  resetSignal: number;
  /** Frames one district when set (a new `seq` frames again). */
  focus?: FocusRequest | null;
  /** Hover over a district platform (not covered by a building). */
  onHoverDistrict?: (index: number | null, clientX: number, clientY: number) => void;
  /** Double-click on a district platform. */
  onFocusDistrict?: (index: number) => void;
  /** Camera to start from instead of the default framing (e.g. from a shared URL). */
  initialCamera?: CameraState | null;
  /** Called (debounced) after the user moves the camera; null after a reset. */
  onCameraChange?: (camera: CameraState | null) => void;
  /** Coupled partners of the selected building, drawn as arcs between roofs. */
  coupled?: readonly { index: number; degree: number }[] | null;
  /** 1 for buildings not drawn (files that do not exist at the time shown); null: all drawn. */
  hidden?: Uint8Array | null;
  /** Animate height changes (time travel): buildings grow, shrink, appear and vanish. */
  animate?: boolean;
  /** Skip buildings smaller than a pixel from afar (default on; the benchmark turns it off to compare). */
  lod?: boolean;
  /** Background, ground, platforms and lights follow the page's theme (default dark). */
  theme?: Theme;
}

/** Largest city whose buildings cast shadows. */
const SHADOW_LIMIT = 40_000;

/** Test and automation hook, published on `window.__codevoyage`. */
export interface CityTestHook {
  buildingCount: number;
  /** Buildings drawn (not hidden by time travel). */
  visibleBuildings: number;
  /** Client (CSS pixel) coordinates of the roof centre of building `i`. */
  screenPositionOf(i: number): { x: number; y: number; visible: boolean };
  /** Client coordinates of a world point. */
  project(x: number, y: number, z: number): { x: number; y: number; visible: boolean };
  /** Index of a building that is large on screen, good for a click test. */
  bestClickTarget(): number;
  select(i: number | null): void;
  selectFirst(): void;
  /** What the last rendered frame drew: draw calls, triangles, building instances. */
  renderStats(): { calls: number; triangles: number; drawnBuildings: number };
  /**
   * Renders `frames` frames synchronously while orbiting the camera a little each frame (as a
   * user dragging would), waiting for the GPU after each; returns per frame the milliseconds
   * spent on the main thread (scene update and command submission) and in total.
   */
  measureFrames(frames: number): { cpu: number; total: number }[];
  /** Moves the camera to `position`, looking at `target`, and renders once. */
  lookFrom(position: [number, number, number], target: [number, number, number]): void;
}

declare global {
  interface Window {
    __codevoyage?: CityTestHook;
  }
}

/** A request to frame one district or one building; `seq` distinguishes repeated requests. */
export interface FocusRequest {
  /** `buildings` frames every building in `indices` (e.g. a file and its coupled files). */
  kind: 'district' | 'building' | 'buildings';
  index: number;
  indices?: readonly number[];
  seq: number;
}

function CameraRig({
  layout,
  heights,
  resetSignal,
  focus,
  initialCamera,
  userMoved,
  onCameraChange,
}: {
  layout: CityLayout;
  heights: Float32Array;
  resetSignal: number;
  focus: FocusRequest | null;
  initialCamera: CameraState | null;
  userMoved: React.RefObject<boolean>;
  onCameraChange?: (camera: CameraState | null) => void;
}) {
  const camera = useThree((s) => s.camera) as THREE.PerspectiveCamera;
  const controls = useThree((s) => s.controls) as OrbitControlsImpl | null;
  const size = useThree((s) => s.size);
  const invalidate = useThree((s) => s.invalidate);
  const aspect = size.height > 0 ? size.width / size.height : 1;
  const framedFor = useRef<{ layout: CityLayout; reset: number; focus: number } | null>(null);

  useLayoutEffect(() => {
    const last = framedFor.current;
    const focusSeq = focus?.seq ?? -1;
    if (last && last.layout === layout && last.reset === resetSignal && last.focus === focusSeq) return;
    if (!controls) return;
    // A focus requested before the first framing (a deep link to a file) frames that file.
    const onlyFocusChanged =
      (last !== null && last.layout === layout && last.reset === resetSignal) ||
      (last === null && !initialCamera && focus !== null);
    const resetRequested = last !== null && last.layout === layout && last.reset !== resetSignal;
    framedFor.current = { layout, reset: resetSignal, focus: focusSeq };
    camera.near = layout.citySize * 0.002;
    camera.far = layout.citySize * 20;
    if (last === null && initialCamera) {
      // A shared view: start exactly where its author stood.
      camera.position.set(...initialCamera.position);
      camera.updateProjectionMatrix();
      controls.target.set(...initialCamera.target);
      controls.update();
      invalidate();
      return;
    }
    const d = layout.districts;
    let box: GroundBox = { x: 0, z: 0, width: layout.width, depth: layout.depth, top: layout.citySize * 0.05 };
    let azimuth = 35;
    const b = layout.buildings;
    const group = onlyFocusChanged && focus?.kind === 'buildings' ? buildingsBox(layout, heights, focus.indices ?? []) : null;
    if (group) {
      // Some margin around the group, at least a neighbourhood, so arcs between them fit.
      const side = layout.citySize * 0.15;
      box = { ...group, width: Math.max(side, group.width * 1.15), depth: Math.max(side, group.depth * 1.15) };
      const dx = camera.position.x - controls.target.x;
      const dz = camera.position.z - controls.target.z;
      if (Math.hypot(dx, dz) > 1e-6) azimuth = (Math.atan2(dx, dz) * 180) / Math.PI;
    } else if (onlyFocusChanged && focus && focus.kind === 'building' && focus.index >= 0 && focus.index < b.count) {
      const i = focus.index;
      // The building and some of its neighbourhood, so it is seen in context.
      const side = Math.max((b.width[i] ?? 0) * 4, (b.depth[i] ?? 0) * 4, layout.citySize * 0.3);
      box = { x: b.x[i] ?? 0, z: b.z[i] ?? 0, width: side, depth: side, top: (b.y[i] ?? 0) + (heights[i] ?? 0) };
      const dx = camera.position.x - controls.target.x;
      const dz = camera.position.z - controls.target.z;
      if (Math.hypot(dx, dz) > 1e-6) azimuth = (Math.atan2(dx, dz) * 180) / Math.PI;
    } else if (onlyFocusChanged && focus && focus.kind === 'district' && focus.index >= 0 && focus.index < d.count) {
      const i = focus.index;
      const x = d.x[i] ?? 0, z = d.z[i] ?? 0, w = d.width[i] ?? 0, dd = d.depth[i] ?? 0;
      // The tallest building standing on the district decides how far back to stand.
      let top = (d.y[i] ?? 0) + (d.height[i] ?? 0);
      for (let k = 0; k < b.count; k++) {
        const bx = b.x[k] ?? 0, bz = b.z[k] ?? 0;
        if (Math.abs(bx - x) <= w / 2 && Math.abs(bz - z) <= dd / 2) top = Math.max(top, (b.y[k] ?? 0) + (heights[k] ?? 0));
      }
      box = { x, z, width: w, depth: dd, top };
      // Keep looking from the side the user is looking from.
      const dx = camera.position.x - controls.target.x;
      const dz = camera.position.z - controls.target.z;
      if (Math.hypot(dx, dz) > 1e-6) azimuth = (Math.atan2(dx, dz) * 180) / Math.PI;
    }
    const f = frameBox(box, aspect, camera.fov, azimuth);
    // A focus is a view worth keeping in the URL; the default framing is not.
    userMoved.current = onlyFocusChanged;
    camera.position.set(...f.position);
    camera.updateProjectionMatrix();
    controls.target.set(...f.target);
    controls.update();
    if (resetRequested) onCameraChange?.(null);
    invalidate();
    // initialCamera only matters for the first framing; heights only for focus requests.
  }, [layout, resetSignal, focus, camera, controls, aspect, invalidate]);
  return null;
}

/** Reports camera moves made by the user (debounced), for the URL. */
function CameraSync({ userMoved, onCameraChange }: { userMoved: React.RefObject<boolean>; onCameraChange?: (c: CameraState | null) => void }) {
  const controls = useThree((s) => s.controls) as OrbitControlsImpl | null;
  const camera = useThree((s) => s.camera);
  useEffect(() => {
    if (!controls || !onCameraChange) return;
    let timer: number | undefined;
    const start = () => {
      userMoved.current = true;
    };
    const change = () => {
      if (!userMoved.current) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(() => {
        // A reset may have happened since the move: then the default view is not written.
        if (!userMoved.current) return;
        onCameraChange({
          position: [camera.position.x, camera.position.y, camera.position.z],
          target: [controls.target.x, controls.target.y, controls.target.z],
        });
      }, 400);
    };
    controls.addEventListener('start', start);
    controls.addEventListener('change', change);
    return () => {
      controls.removeEventListener('start', start);
      controls.removeEventListener('change', change);
      window.clearTimeout(timer);
    };
  }, [controls, camera, onCameraChange, userMoved]);
  return null;
}

/** Moves the camera for a key; true when the key was a camera key. */
type KeyHandler = (key: string, shift: boolean) => boolean;

/** Keyboard camera: registers a handler the focusable wrapper calls (see keyboardCamera.ts). */
function KeyboardCamera({ handler, userMoved, size }: { handler: React.RefObject<KeyHandler | null>; userMoved: React.RefObject<boolean>; size: number }) {
  const controls = useThree((s) => s.controls) as OrbitControlsImpl | null;
  const camera = useThree((s) => s.camera);
  const invalidate = useThree((s) => s.invalidate);
  useEffect(() => {
    handler.current = (key, shift) => {
      if (!controls) return false;
      const next = keyboardMove(
        key,
        shift,
        {
          position: [camera.position.x, camera.position.y, camera.position.z],
          target: [controls.target.x, controls.target.y, controls.target.z],
        },
        { minDistance: controls.minDistance, maxDistance: controls.maxDistance, maxPolar: controls.maxPolarAngle, panStep: size * 0.04 },
      );
      if (!next) return false;
      userMoved.current = true;
      camera.position.set(...next.position);
      controls.target.set(...next.target);
      // update() announces the change (the URL follows, as after a drag).
      controls.update();
      invalidate();
      return true;
    };
    return () => {
      handler.current = null;
    };
  }, [handler, controls, camera, invalidate, userMoved, size]);
  return null;
}

/**
 * Building material: standard shading plus a cheap ambient-occlusion term that darkens the foot
 * of every building over `aoDistance` world units, which grounds buildings on their platforms
 * and separates neighbours without a post-processing pass.
 */
function buildingMaterial(aoDistance: number): THREE.MeshStandardMaterial {
  const material = new THREE.MeshStandardMaterial({ roughness: 0.72, metalness: 0.04 });
  material.onBeforeCompile = (shader) => {
    shader.uniforms.uAoDistance = { value: aoDistance };
    shader.vertexShader = shader.vertexShader
      .replace('#include <common>', '#include <common>\nvarying float vHeightFromBase;')
      .replace(
        '#include <begin_vertex>',
        // The unit box spans y in [0, 1]; the instance matrix's y column carries the height.
        '#include <begin_vertex>\n#ifdef USE_INSTANCING\nvHeightFromBase = position.y * length(instanceMatrix[1].xyz);\n#else\nvHeightFromBase = position.y;\n#endif',
      );
    shader.fragmentShader = shader.fragmentShader
      .replace('#include <common>', '#include <common>\nvarying float vHeightFromBase;\nuniform float uAoDistance;')
      .replace(
        '#include <color_fragment>',
        '#include <color_fragment>\ndiffuseColor.rgb *= mix(0.55, 1.0, smoothstep(0.0, uAoDistance, vHeightFromBase));',
      );
  };
  material.customProgramCacheKey = () => 'codevoyage-building-ao';
  return material;
}

interface BuildingsProps
  extends Omit<CityViewProps, 'resetSignal' | 'focus' | 'initialCamera' | 'onCameraChange' | 'onHoverDistrict' | 'onFocusDistrict'> {
  hovered: number | null;
}

/** How long a height change takes to animate, in milliseconds. */
const TWEEN_MS = 240;

function Buildings({ layout, heights, colors, highlight, selected, hovered, onHover, onSelect, hidden = null, animate = false, lod: lodOn = true }: BuildingsProps) {
  const invalidate = useThree((s) => s.invalidate);
  const count = layout.buildings.count;
  const geometry = useMemo(() => new THREE.BoxGeometry(1, 1, 1).translate(0, 0.5, 0), []);
  const material = useMemo(() => buildingMaterial(layout.citySize * 0.025), [layout.citySize]);
  const mesh = useMemo(() => {
    const m = new THREE.InstancedMesh(geometry, material, Math.max(1, count));
    m.count = count;
    // Colours must exist before the first render so the shader is compiled with them.
    m.instanceColor = new THREE.InstancedBufferAttribute(new Float32Array(Math.max(1, count) * 3), 3);
    // Shadows double the vertex work; past this size they cost more than they show.
    m.castShadow = count <= SHADOW_LIMIT;
    m.receiveShadow = true;
    m.frustumCulled = false;
    m.name = 'buildings';
    return m;
  }, [geometry, material, count]);
  const finalColors = useRef<Float32Array>(new Float32Array(0));
  // Instances are stored largest footprint first, so that level of detail is a prefix: a
  // far camera draws only the buildings that can cover a pixel (see layout/lod.ts).
  const lod = useMemo(() => lodOrder(layout), [layout]);
  const topY = useMemo(() => {
    let top = 0;
    for (let i = 0; i < count; i++) top = Math.max(top, (layout.buildings.y[i] ?? 0) + (heights[i] ?? 0));
    return top;
  }, [layout, heights, count]);

  useEffect(
    () => () => {
      geometry.dispose();
      material.dispose();
    },
    [geometry, material],
  );
  useEffect(() => () => mesh.dispose(), [mesh]);

  // Picking walks a grid instead of testing every instance (see layout/pick.ts).
  const pickIndex = useMemo(() => buildPickIndex(layout, heights, hidden), [layout, heights, hidden]);
  useLayoutEffect(() => {
    mesh.raycast = (raycaster, intersects) => {
      const { origin, direction } = raycaster.ray;
      const hit = pickRay(pickIndex, [origin.x, origin.y, origin.z], [direction.x, direction.y, direction.z]);
      if (!hit || hit.t < raycaster.near || hit.t > raycaster.far) return;
      intersects.push({
        distance: hit.t,
        point: raycaster.ray.at(hit.t, new THREE.Vector3()),
        object: mesh,
        instanceId: hit.index,
      });
    };
  }, [mesh, pickIndex]);

  // Heights as drawn now; a hidden building is drawn at height 0 and, once there, not at all.
  const shown = useRef<{ layout: CityLayout; h: Float32Array } | null>(null);
  const tween = useRef<{ from: Float32Array; to: Float32Array; start: number } | null>(null);
  const writeMatrices = useCallback(
    (h: Float32Array, settled: boolean) => {
      const b = layout.buildings;
      const m = new THREE.Matrix4();
      for (let slot = 0; slot < count; slot++) {
        const i = lod.order[slot] ?? 0;
        const gone = hidden !== null && hidden[i] === 1 && (settled || (h[i] ?? 0) <= 0);
        if (gone) m.makeScale(0, 0, 0);
        else m.makeScale(b.width[i] ?? 0, Math.max(0.01, h[i] ?? 0), b.depth[i] ?? 0);
        m.setPosition(b.x[i] ?? 0, b.y[i] ?? 0, b.z[i] ?? 0);
        mesh.setMatrixAt(slot, m);
      }
      mesh.instanceMatrix.needsUpdate = true;
      if (settled) {
        // Raycasting tests the bounds first: they must follow the new matrices.
        mesh.computeBoundingBox();
        mesh.computeBoundingSphere();
      }
    },
    [mesh, layout, count, hidden, lod],
  );

  useLayoutEffect(() => {
    const target = new Float32Array(count);
    for (let i = 0; i < count; i++) target[i] = hidden?.[i] ? 0 : (heights[i] ?? 0);
    const prev = shown.current;
    if (animate && prev && prev.layout === layout && prev.h.length === count) {
      tween.current = { from: prev.h.slice(), to: target, start: performance.now() };
      writeMatrices(prev.h, false);
    } else {
      tween.current = null;
      shown.current = { layout, h: target };
      writeMatrices(target, true);
    }
    invalidate();
  }, [mesh, layout, heights, hidden, count, animate, invalidate, writeMatrices]);

  // Level of detail, before every rendered frame: the prefix of instances that can be seen.
  const viewportHeight = useThree((s) => s.size.height);
  useFrame(({ camera }) => {
    const fov = camera instanceof THREE.PerspectiveCamera ? camera.fov : 40;
    mesh.count = lodOn ? visibleSlots(layout, lod, topY, [camera.position.x, camera.position.y, camera.position.z], fov, viewportHeight) : count;
  });

  // Render on demand: a running tween asks for the next frame until it is done.
  useFrame(() => {
    const tw = tween.current;
    const cur = shown.current;
    if (!tw || !cur) return;
    const k = Math.min(1, (performance.now() - tw.start) / TWEEN_MS);
    const e = 1 - (1 - k) * (1 - k);
    for (let i = 0; i < count; i++) {
      const a = tw.from[i] ?? 0;
      cur.h[i] = a + ((tw.to[i] ?? 0) - a) * e;
    }
    writeMatrices(cur.h, k >= 1);
    if (k >= 1) tween.current = null;
    else invalidate();
  });

  useLayoutEffect(() => {
    const attr = mesh.instanceColor;
    if (!attr) return;
    const out = composeBuildingColors(colors, highlight, selected, new Float32Array(count * 3));
    finalColors.current = out;
    const arr = attr.array as Float32Array;
    for (let slot = 0; slot < count; slot++) {
      const i = lod.order[slot] ?? 0;
      arr[slot * 3] = out[i * 3] ?? 0;
      arr[slot * 3 + 1] = out[i * 3 + 1] ?? 0;
      arr[slot * 3 + 2] = out[i * 3 + 2] ?? 0;
    }
    attr.needsUpdate = true;
    invalidate();
  }, [mesh, colors, highlight, selected, count, invalidate, lod]);

  // Hover: brighten one instance, restore it afterwards (no full colour rewrite per move).
  useLayoutEffect(() => {
    const attr = mesh.instanceColor;
    if (!attr || hovered === null || hovered >= count || hovered === selected) return;
    const arr = attr.array as Float32Array;
    const base = finalColors.current;
    const slot = lod.slotOf[hovered] ?? 0;
    for (let k = 0; k < 3; k++) {
      const v = base[hovered * 3 + k] ?? 0;
      arr[slot * 3 + k] = v + (1 - v) * 0.45;
    }
    attr.needsUpdate = true;
    invalidate();
    return () => {
      for (let k = 0; k < 3; k++) arr[slot * 3 + k] = finalColors.current[hovered * 3 + k] ?? 0;
      attr.needsUpdate = true;
      invalidate();
    };
  }, [mesh, hovered, selected, count, invalidate, colors, highlight, lod]);

  const move = (e: ThreeEvent<PointerEvent>) => {
    e.stopPropagation();
    onHover(e.instanceId ?? null, e.nativeEvent.clientX, e.nativeEvent.clientY);
  };
  const click = (e: ThreeEvent<MouseEvent>) => {
    e.stopPropagation();
    // A drag that orbits the camera is not a selection.
    if (e.delta > 6) return;
    onSelect(e.instanceId ?? null);
  };
  return (
    <primitive
      object={mesh}
      onPointerMove={move}
      onPointerOut={(e: ThreeEvent<PointerEvent>) => onHover(null, e.nativeEvent.clientX, e.nativeEvent.clientY)}
      onClick={click}
    />
  );
}

function Districts({
  layout,
  scene,
  onHover,
  onFocus,
  onSelect,
}: {
  layout: CityLayout;
  scene: SceneColors;
  onHover?: (index: number | null, clientX: number, clientY: number) => void;
  onFocus?: (index: number) => void;
  onSelect: (index: number | null) => void;
}) {
  const invalidate = useThree((s) => s.invalidate);
  const count = layout.districts.count;
  const geometry = useMemo(() => new THREE.BoxGeometry(1, 1, 1).translate(0, 0.5, 0), []);
  const material = useMemo(() => new THREE.MeshStandardMaterial({ roughness: 0.95, metalness: 0 }), []);
  const mesh = useMemo(() => {
    const m = new THREE.InstancedMesh(geometry, material, Math.max(1, count));
    m.count = count;
    m.instanceColor = new THREE.InstancedBufferAttribute(new Float32Array(Math.max(1, count) * 3), 3);
    m.receiveShadow = true;
    m.frustumCulled = false;
    return m;
  }, [geometry, material, count]);
  useEffect(
    () => () => {
      geometry.dispose();
      material.dispose();
    },
    [geometry, material],
  );
  useEffect(() => () => mesh.dispose(), [mesh]);

  useLayoutEffect(() => {
    const d = layout.districts;
    const m = new THREE.Matrix4();
    const attr = mesh.instanceColor;
    const arr = attr ? (attr.array as Float32Array) : null;
    for (let i = 0; i < count; i++) {
      m.makeScale(d.width[i] ?? 0, d.height[i] ?? 0, d.depth[i] ?? 0);
      m.setPosition(d.x[i] ?? 0, d.y[i] ?? 0, d.z[i] ?? 0);
      mesh.setMatrixAt(i, m);
      if (arr) {
        const c = districtColor(d.level[i] ?? 0, layout.maxLevel, scene.districtFrom, scene.districtTo);
        arr[i * 3] = srgbToLinear(c[0]);
        arr[i * 3 + 1] = srgbToLinear(c[1]);
        arr[i * 3 + 2] = srgbToLinear(c[2]);
      }
    }
    mesh.instanceMatrix.needsUpdate = true;
    if (attr) attr.needsUpdate = true;
    mesh.computeBoundingSphere();
    invalidate();
  }, [mesh, layout, count, invalidate, scene]);

  // Picking: where the ray meets the ground, the deepest platform there (platforms are thin,
  // so the parallax of ignoring their height is a few pixels at most).
  useLayoutEffect(() => {
    mesh.raycast = (raycaster, intersects) => {
      const { origin, direction } = raycaster.ray;
      if (Math.abs(direction.y) < 1e-9) return;
      const tGround = -origin.y / direction.y;
      if (tGround < 0) return;
      const i = districtAt(layout, origin.x + direction.x * tGround, origin.z + direction.z * tGround);
      if (i < 0) return;
      const top = (layout.districts.y[i] ?? 0) + (layout.districts.height[i] ?? 0);
      const t = (top - origin.y) / direction.y;
      if (t < raycaster.near || t > raycaster.far) return;
      intersects.push({ distance: t, point: raycaster.ray.at(t, new THREE.Vector3()), object: mesh, instanceId: i });
    };
  }, [mesh, layout]);

  return (
    <primitive
      object={mesh}
      onPointerMove={(e: ThreeEvent<PointerEvent>) => {
        e.stopPropagation();
        onHover?.(e.instanceId ?? null, e.nativeEvent.clientX, e.nativeEvent.clientY);
      }}
      onPointerOut={(e: ThreeEvent<PointerEvent>) => onHover?.(null, e.nativeEvent.clientX, e.nativeEvent.clientY)}
      onClick={(e: ThreeEvent<MouseEvent>) => {
        e.stopPropagation();
        // Clicking the ground clears the selection, like clicking the background.
        if (e.delta <= 6) onSelect(null);
      }}
      onDoubleClick={(e: ThreeEvent<MouseEvent>) => {
        e.stopPropagation();
        if (e.instanceId !== undefined) onFocus?.(e.instanceId);
      }}
    />
  );
}

/** White outline around the selected building. */
function SelectionOutline({
  layout,
  heights,
  selected,
  color,
}: {
  layout: CityLayout;
  heights: Float32Array;
  selected: number | null;
  color: string;
}) {
  const invalidate = useThree((s) => s.invalidate);
  const lines = useMemo(() => {
    const box = new THREE.BoxGeometry(1, 1, 1).translate(0, 0.5, 0);
    const edges = new THREE.EdgesGeometry(box);
    box.dispose();
    const l = new THREE.LineSegments(edges, new THREE.LineBasicMaterial({ color: '#ffffff' }));
    l.raycast = () => undefined;
    return l;
  }, []);
  useEffect(
    () => () => {
      lines.geometry.dispose();
      (lines.material as THREE.Material).dispose();
    },
    [lines],
  );
  useEffect(() => {
    (lines.material as THREE.LineBasicMaterial).color.set(color);
    invalidate();
  }, [lines, color, invalidate]);
  useLayoutEffect(() => {
    const b = layout.buildings;
    if (selected === null || selected >= b.count) {
      lines.visible = false;
    } else {
      const grow = 1.06;
      lines.visible = true;
      lines.scale.set((b.width[selected] ?? 0) * grow, (heights[selected] ?? 0) * 1.02 + 0.5, (b.depth[selected] ?? 0) * grow);
      lines.position.set(b.x[selected] ?? 0, b.y[selected] ?? 0, b.z[selected] ?? 0);
    }
    invalidate();
  }, [lines, layout, heights, selected, invalidate]);
  return <primitive object={lines} />;
}

/**
 * Arcs from the selected building's roof to the roofs of the files it changes together with:
 * one `LineSegments` (one draw call) for all arcs, its buffers replaced when the selection
 * changes and disposed with it.
 */
function CouplingArcs({
  layout,
  heights,
  selected,
  coupled,
}: {
  layout: CityLayout;
  heights: Float32Array;
  selected: number | null;
  coupled: readonly { index: number; degree: number }[] | null;
}) {
  const invalidate = useThree((s) => s.invalidate);
  const lineMaterial = useMemo(
    () => new THREE.LineBasicMaterial({ vertexColors: true, transparent: true, opacity: 0.95, depthWrite: false, fog: false }),
    [],
  );
  const ribbonMaterial = useMemo(
    () =>
      new THREE.MeshBasicMaterial({
        vertexColors: true,
        transparent: true,
        opacity: 0.85,
        depthWrite: false,
        side: THREE.DoubleSide,
        fog: false,
      }),
    [],
  );
  const geometries = useMemo(() => {
    const line = new THREE.BufferGeometry();
    const ribbon = new THREE.BufferGeometry();
    if (selected === null || !coupled || coupled.length === 0) return { line, ribbon };
    const buf = arcBuffers(layout, heights, selected, coupled);
    // Arc colours are sRGB like the building colours; the materials work in linear space.
    const linear = new Float32Array(buf.colors.length);
    for (let i = 0; i < linear.length; i++) linear[i] = srgbToLinear(buf.colors[i] ?? 0);
    line.setAttribute('position', new THREE.BufferAttribute(buf.positions, 3));
    line.setAttribute('color', new THREE.BufferAttribute(linear, 3));
    line.computeBoundingSphere();
    const r = ribbonFromSegments(buf.positions, linear, layout.citySize * 0.0022);
    ribbon.setAttribute('position', new THREE.BufferAttribute(r.positions, 3));
    ribbon.setAttribute('color', new THREE.BufferAttribute(r.colors, 3));
    ribbon.computeBoundingSphere();
    return { line, ribbon };
  }, [layout, heights, selected, coupled]);
  // Two draw calls for every arc: the ribbon (width from above) and the line (seen edge-on).
  const group = useMemo(() => {
    const g = new THREE.Group();
    const l = new THREE.LineSegments(geometries.line, lineMaterial);
    const m = new THREE.Mesh(geometries.ribbon, ribbonMaterial);
    for (const o of [l, m]) {
      o.raycast = () => undefined;
      o.renderOrder = 2;
      g.add(o);
    }
    return g;
  }, [geometries, lineMaterial, ribbonMaterial]);
  useEffect(
    () => () => {
      geometries.line.dispose();
      geometries.ribbon.dispose();
    },
    [geometries],
  );
  useEffect(
    () => () => {
      lineMaterial.dispose();
      ribbonMaterial.dispose();
    },
    [lineMaterial, ribbonMaterial],
  );
  useEffect(() => {
    invalidate();
  }, [group, invalidate]);
  return <primitive object={group} />;
}

interface DistrictLabel {
  key: string;
  name: string;
  position: [number, number, number];
}

/** The main top-level folders, named over their districts. */
function districtLabels(layout: CityLayout): DistrictLabel[] {
  const d = layout.districts;
  const cityArea = layout.width * layout.depth;
  const out: (DistrictLabel & { area: number })[] = [];
  for (let i = 0; i < d.count; i++) {
    const area = (d.width[i] ?? 0) * (d.depth[i] ?? 0);
    const dir = d.dirs[i];
    if (d.level[i] !== 1 || area < cityArea * 0.015 || !dir) continue;
    // Anchor at the middle of the district's front edge (towards the default camera) so the
    // label does not sit on the buildings it names.
    out.push({
      key: dir.path,
      name: dir.name,
      area,
      position: [d.x[i] ?? 0, (d.y[i] ?? 0) + (d.height[i] ?? 0), (d.z[i] ?? 0) + (d.depth[i] ?? 0) / 2],
    });
  }
  return out.sort((a, b) => b.area - a.area).slice(0, 16);
}

/**
 * Moves the DOM labels (rendered outside the canvas) to the screen positions of their anchors
 * on every rendered frame, hiding those behind the camera.
 */
function LabelProjector({ labels, container }: { labels: DistrictLabel[]; container: React.RefObject<HTMLDivElement | null> }) {
  const v = useMemo(() => new THREE.Vector3(), []);
  useFrame(({ camera, size }) => {
    const root = container.current;
    if (!root) return;
    labels.forEach((l, i) => {
      const el = root.children[i] as HTMLElement | undefined;
      if (!el) return;
      v.set(...l.position).project(camera);
      const visible = v.z < 1 && Math.abs(v.x) < 1.1 && Math.abs(v.y) < 1.1;
      el.style.display = visible ? 'block' : 'none';
      el.style.transform = `translate(-50%, -50%) translate(${((v.x + 1) / 2) * size.width}px, ${((1 - v.y) / 2) * size.height}px)`;
    });
  });
  return null;
}

function Lights({ size, scene }: { size: number; scene: SceneColors }) {
  const half = size * 0.75;
  return (
    <>
      <hemisphereLight key={scene.skyLight + scene.groundLight} args={[scene.skyLight, scene.groundLight, 1.5]} />
      <ambientLight intensity={0.25} />
      <directionalLight
        // From the viewer's upper left, so shadows fall visibly beside the buildings.
        position={[-size * 0.55, size * 0.95, size * 0.35]}
        intensity={2.4}
        castShadow
        shadow-mapSize={[2048, 2048]}
        shadow-bias={-0.0004}
        shadow-normalBias={size * 0.0005}
        shadow-camera-left={-half}
        shadow-camera-right={half}
        shadow-camera-top={half}
        shadow-camera-bottom={-half}
        shadow-camera-near={size * 0.05}
        shadow-camera-far={size * 3}
      />
      <directionalLight position={[size * 0.6, size * 0.35, -size * 0.2]} intensity={0.5} color="#a5b4fc" />
    </>
  );
}

function Ground({ size, color }: { size: number; color: string }) {
  return (
    <mesh rotation-x={-Math.PI / 2} position-y={-size * 0.001} receiveShadow raycast={() => undefined}>
      <planeGeometry args={[size * 8, size * 8]} />
      <meshStandardMaterial color={color} roughness={1} />
    </mesh>
  );
}

function TestHook({ layout, heights, onSelect, hidden }: Pick<CityViewProps, 'layout' | 'heights' | 'onSelect' | 'hidden'>) {
  const camera = useThree((s) => s.camera);
  const gl = useThree((s) => s.gl);
  const scene = useThree((s) => s.scene);
  const advance = useThree((s) => s.advance);
  const controls = useThree((s) => s.controls) as OrbitControlsImpl | null;
  useEffect(() => {
    const b = layout.buildings;
    const project = (x: number, y: number, z: number) => {
      const v = new THREE.Vector3(x, y, z).project(camera);
      const rect = gl.domElement.getBoundingClientRect();
      return {
        x: rect.left + ((v.x + 1) / 2) * rect.width,
        y: rect.top + ((1 - v.y) / 2) * rect.height,
        visible: v.z < 1 && Math.abs(v.x) < 0.95 && Math.abs(v.y) < 0.95,
      };
    };
    const screenPositionOf = (i: number) => project(b.x[i] ?? 0, (b.y[i] ?? 0) + (heights[i] ?? 0), b.z[i] ?? 0);
    let visibleBuildings = b.count;
    if (hidden) for (let i = 0; i < b.count; i++) visibleBuildings -= hidden[i] ?? 0;
    const hook: CityTestHook = {
      buildingCount: b.count,
      visibleBuildings,
      project,
      screenPositionOf,
      bestClickTarget: () => {
        // The largest roof whose centre is on screen: roofs are never hidden behind others'
        // walls when they are the tallest around, so prefer big and tall.
        let best = -1;
        let bestScore = -1;
        for (let i = 0; i < b.count; i++) {
          if (hidden?.[i]) continue;
          const p = screenPositionOf(i);
          if (!p.visible) continue;
          const score = (b.width[i] ?? 0) * (b.depth[i] ?? 0) * (1 + (heights[i] ?? 0));
          if (score > bestScore) {
            bestScore = score;
            best = i;
          }
        }
        return best;
      },
      select: (i) => onSelect(i),
      renderStats: () => ({
        calls: gl.info.render.calls,
        triangles: gl.info.render.triangles,
        drawnBuildings: (scene.getObjectByName('buildings') as THREE.InstancedMesh | undefined)?.count ?? 0,
      }),
      measureFrames: (frames) => {
        const ctx = gl.getContext();
        const pixel = new Uint8Array(4);
        const target = controls?.target ?? new THREE.Vector3();
        const out: { cpu: number; total: number }[] = [];
        for (let k = 0; k < frames; k++) {
          const t0 = performance.now();
          camera.position.sub(target).applyAxisAngle(new THREE.Vector3(0, 1, 0), 0.01).add(target);
          camera.lookAt(target);
          advance(t0);
          const t1 = performance.now();
          // Reading a pixel waits until the GPU has finished the frame.
          ctx.readPixels(0, 0, 1, 1, ctx.RGBA, ctx.UNSIGNED_BYTE, pixel);
          out.push({ cpu: t1 - t0, total: performance.now() - t0 });
        }
        return out;
      },
      lookFrom: (position, look) => {
        camera.position.set(...position);
        controls?.target.set(...look);
        camera.lookAt(...look);
        controls?.update();
        advance(performance.now());
      },
      selectFirst: () => {
        let i = 0;
        while (i < b.count && hidden?.[i]) i++;
        onSelect(i < b.count ? i : null);
      },
    };
    window.__codevoyage = hook;
    return () => {
      if (window.__codevoyage === hook) delete window.__codevoyage;
    };
  }, [layout, heights, camera, gl, onSelect, hidden, scene, advance, controls]);
  return null;
}

/** The 3D city. Fills its parent. */
export function CityView(props: CityViewProps) {
  const { layout, heights, selected, onSelect, resetSignal } = props;
  const [hovered, setHovered] = useState<number | null>(null);
  const size = layout.citySize;
  const scene = SCENE_COLORS[props.theme ?? 'dark'];
  const labels = useMemo(() => districtLabels(layout), [layout]);
  const labelRoot = useRef<HTMLDivElement>(null);
  const userMoved = useRef(false);
  const keyHandler = useRef<KeyHandler | null>(null);
  const onHover = props.onHover;
  const hover = (i: number | null, x: number, y: number) => {
    setHovered(i);
    onHover(i, x, y);
  };
  return (
    <div
      className="relative h-full w-full overflow-hidden outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-sky-500"
      tabIndex={0}
      data-testid="city-keyboard"
      aria-label="3D city. Arrow keys orbit, Shift and arrow keys pan, plus and minus zoom."
      aria-keyshortcuts="ArrowLeft ArrowRight ArrowUp ArrowDown Shift+ArrowLeft Shift+ArrowRight Shift+ArrowUp Shift+ArrowDown + -"
      onKeyDown={(e) => {
        if (e.altKey || e.ctrlKey || e.metaKey) return;
        if (keyHandler.current?.(e.key, e.shiftKey)) e.preventDefault();
      }}
    >
    <Canvas
      frameloop="demand"
      shadows
      flat
      dpr={[1, 2]}
      camera={{ fov: 40, near: size * 0.005, far: size * 20, position: [size, size, size] }}
      gl={{ antialias: true, powerPreference: 'high-performance' }}
      onPointerMissed={() => onSelect(null)}
      onPointerLeave={() => hover(null, 0, 0)}
    >
      <color key={`bg-${scene.background}`} attach="background" args={[scene.background]} />
      <fog key={`fog-${scene.background}`} attach="fog" args={[scene.background, size * 2.2, size * 6]} />
      <Lights size={size} scene={scene} />
      <Ground size={size} color={scene.ground} />
      <Districts
        layout={layout}
        scene={scene}
        onHover={props.onHoverDistrict}
        onFocus={props.onFocusDistrict}
        onSelect={onSelect}
      />
      <Buildings {...props} onHover={hover} hovered={hovered} />
      <LabelProjector labels={labels} container={labelRoot} />
      <SelectionOutline layout={layout} heights={heights} selected={selected} color={scene.outline} />
      <CouplingArcs layout={layout} heights={heights} selected={selected} coupled={props.coupled ?? null} />
      <OrbitControls
        makeDefault
        enableDamping
        dampingFactor={0.12}
        maxPolarAngle={Math.PI / 2 - 0.08}
        minDistance={size * 0.02}
        maxDistance={size * 6}
        screenSpacePanning={false}
        zoomToCursor
      />
      <CameraRig
        layout={layout}
        heights={heights}
        resetSignal={resetSignal}
        focus={props.focus ?? null}
        initialCamera={props.initialCamera ?? null}
        userMoved={userMoved}
        onCameraChange={props.onCameraChange}
      />
      <CameraSync userMoved={userMoved} onCameraChange={props.onCameraChange} />
      <KeyboardCamera handler={keyHandler} userMoved={userMoved} size={size} />
      <TestHook layout={layout} heights={heights} onSelect={onSelect} hidden={props.hidden ?? null} />
    </Canvas>
      <div ref={labelRoot} className="pointer-events-none absolute inset-0">
        {labels.map((l) => (
          <div
            key={l.key}
            className="absolute left-0 top-0 whitespace-nowrap rounded bg-slate-950/75 px-1.5 py-0.5 font-mono text-[11px] text-slate-200 shadow"
            style={{ display: 'none' }}
          >
            {l.name}/
          </div>
        ))}
      </div>
    </div>
  );
}
