/**
 * The few types of React, React Native and AsyncStorage that the example uses, declared
 * here so that its type check needs no React Native install: the real packages' types are
 * supersets of these (an app compiles the example against them as it is).
 */
declare module 'react' {
  export function useState<T>(initial: T | (() => T)): [T, (next: T | ((previous: T) => T)) => void]
  export function useEffect(effect: () => void | (() => void), dependencies?: readonly unknown[]): void
}

declare module 'react/jsx-runtime' {
  export namespace JSX {
    type Element = { readonly type: unknown; readonly props: unknown }
    interface ElementChildrenAttribute {
      children: {}
    }
    interface IntrinsicElements {}
  }
  export function jsx(type: unknown, props: unknown, key?: string): JSX.Element
  export function jsxs(type: unknown, props: unknown, key?: string): JSX.Element
  export const Fragment: unknown
}

declare module 'react-native' {
  import type { JSX } from 'react/jsx-runtime'
  type Children = JSX.Element | string | null | Array<JSX.Element | string | null>
  export function View(props: { children?: Children }): JSX.Element
  export function Text(props: { children?: Children }): JSX.Element
  export function Button(props: { title: string; onPress: () => void }): JSX.Element
  export function TextInput(props: {
    value: string
    onChangeText: (text: string) => void
    placeholder?: string
    secureTextEntry?: boolean
    editable?: boolean
    autoCapitalize?: 'none' | 'sentences' | 'words' | 'characters'
  }): JSX.Element
  export function FlatList<T>(props: {
    data: readonly T[]
    keyExtractor: (item: T) => string
    renderItem: (info: { item: T }) => JSX.Element
  }): JSX.Element
}

declare module '@react-native-async-storage/async-storage' {
  const AsyncStorage: {
    getItem(key: string): Promise<string | null>
    setItem(key: string, value: string): Promise<void>
    removeItem(key: string): Promise<void>
  }
  export default AsyncStorage
}
