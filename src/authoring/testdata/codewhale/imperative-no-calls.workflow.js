export default function (args) {
  return { goal: args.goal };
}
