// PyProxy.asJsJson(): a view of a Python container that JS reads like parsed JSON. Properties are
// items (obj[key] -> d[key], seq[i] -> l[i]), items that are containers are views too, and
// JSON.stringify(view) writes what json.dumps would (None is undefined, so a None value is left
// out, as JSON.stringify does with undefined). The view shares the PyProxy's state: destroying
// either destroys both, and item proxies are destroyed with it.
addToLibrary({
  $PyJson__deps: ['$Handles', 'sangam_pp_contains', 'sangam_pp_length'],
  $PyJson: {
    init(P, Flags) {
      const { STATE } = P;
      const isIndex = (key) => /^(0|[1-9][0-9]*)$/.test(key);
      const isIntKey = (key) => /^-?(0|[1-9][0-9]*)$/.test(key);
      const live = (target) => P.enter(target[STATE].proxy);
      const has = (s, key) => {
        const ref = Handles.add(key);
        try {
          return P.cInt(_sangam_pp_contains, s.ptr, ref) === 1;
        } finally {
          Handles.release(ref);
        }
      };
      // A dict key named by a JS property: the string, or the int it spells (JS has only
      // string keys, so {1: 'one'} reads back as view[1] and view['1']).
      const dictKey = (s, key) => {
        if (has(s, key)) return key;
        if (isIntKey(key) && has(s, Number(key))) return Number(key);
        return undefined;
      };
      // Item values that are proxies belong to the view's PyProxy (destroyed with it).
      const adapt = (s, value) => {
        if (!P.isPyProxy(value)) return value;
        const owned = P.cached(s, value);
        return owned[STATE].flags & Flags.PY_GET ? view(owned) : owned;
      };
      const item = (s, key) => adapt(s, P.getItem(s, key));
      const length = (s) => P.cInt(_sangam_pp_length, s.ptr);
      const items = (s) => Array.from({ length: length(s) }, (_, i) => item(s, i));
      const descriptor = (value) => ({ value, writable: true, enumerable: true, configurable: true });

      const objectHandler = {
        get(target, key) {
          if (typeof key !== 'symbol') {
            const s = live(target);
            const k = dictKey(s, key);
            if (k !== undefined) return item(s, k);
          }
          return target[STATE].proxy[key];
        },
        set(target, key, value) {
          if (typeof key === 'symbol') return Reflect.set(target, key, value);
          const s = live(target);
          target[STATE].proxy.set(dictKey(s, key) ?? key, value);
          return true;
        },
        has(target, key) {
          if (typeof key === 'symbol') return Reflect.has(target, key);
          return dictKey(live(target), key) !== undefined;
        },
        deleteProperty(target, key) {
          if (typeof key === 'symbol') return Reflect.deleteProperty(target, key);
          const s = live(target);
          const k = dictKey(s, key);
          if (k !== undefined) target[STATE].proxy.delete(k);
          return true;
        },
        ownKeys(target) {
          const s = live(target);
          const keys = [];
          for (const k of P.iterate(s)) {
            keys.push(String(k));
            k?.destroy?.();
          }
          return [...new Set(keys), ...Object.getOwnPropertySymbols(target)];
        },
        getOwnPropertyDescriptor(target, key) {
          if (typeof key === 'symbol') return Reflect.getOwnPropertyDescriptor(target, key);
          const s = live(target);
          const k = dictKey(s, key);
          return k === undefined ? undefined : descriptor(item(s, k));
        },
      };

      const arrayHandler = {
        get(target, key) {
          if (typeof key !== 'symbol') {
            const s = live(target);
            if (isIndex(key)) {
              const i = Number(key);
              return i < length(s) ? item(s, i) : undefined;
            }
            if (key === 'length') return length(s);
            if (key === 'toJSON') return () => items(s);
          } else if (key === Symbol.iterator) {
            const s = live(target);
            return function* () { yield* items(s); };
          }
          return target[STATE].proxy[key];
        },
        set(target, key, value) {
          if (typeof key === 'symbol' || !isIndex(key)) return Reflect.set(target, key, value);
          target[STATE].proxy.set(Number(key), value);
          return true;
        },
        has(target, key) {
          if (typeof key !== 'symbol' && isIndex(key)) return Number(key) < length(live(target));
          return key === 'length' || Reflect.has(target, key);
        },
        deleteProperty(target, key) {
          if (typeof key === 'symbol' || !isIndex(key)) return Reflect.deleteProperty(target, key);
          target[STATE].proxy.delete(Number(key));
          return true;
        },
        ownKeys(target) {
          const n = length(live(target));
          return [...Array.from({ length: n }, (_, i) => String(i)), 'length',
            ...Object.getOwnPropertySymbols(target)];
        },
        getOwnPropertyDescriptor(target, key) {
          if (typeof key === 'symbol') return Reflect.getOwnPropertyDescriptor(target, key);
          const s = live(target);
          if (key === 'length') return { value: length(s), writable: true, enumerable: false, configurable: true };
          if (isIndex(key) && Number(key) < length(s)) return descriptor(item(s, Number(key)));
          return undefined;
        },
      };

      // The view of a PyProxy (one per proxy).
      const view = (proxy) => {
        const s = P.stateOf(proxy);
        if (!s.jsonView) {
          s.jsonView = new Proxy(s.target, s.flags & Flags.PY_SEQUENCE ? arrayHandler : objectHandler);
          // A PyProxy to `instanceof` and to conversions, which know PyProxies by their state.
          P.states.set(s.jsonView, s);
        }
        return s.jsonView;
      };
      return view;
    },
  },
});
