package app.dragnshare.client.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Splits a command line into options ({@code --name value} or {@code --flag}) and operands. */
public record Arguments(Map<String, String> options, List<String> operands) {

    public static Arguments parse(List<String> args, Set<String> valued, Set<String> flags) throws CliException {
        Map<String, String> options = new HashMap<>();
        List<String> operands = new ArrayList<>();
        boolean onlyOperands = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (onlyOperands || !arg.startsWith("--")) {
                operands.add(arg);
            } else if (arg.equals("--")) {
                onlyOperands = true;
            } else {
                String name = arg.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (flags.contains(name) && value == null) {
                    options.put(name, "true");
                } else if (valued.contains(name)) {
                    if (value == null) {
                        if (i + 1 >= args.size()) {
                            throw new CliException(ExitCode.USAGE, "--" + name + " needs a value");
                        }
                        value = args.get(++i);
                    }
                    options.put(name, value);
                } else {
                    throw new CliException(ExitCode.USAGE, "unknown option --" + name);
                }
            }
        }
        return new Arguments(options, operands);
    }

    public boolean flag(String name) {
        return options.containsKey(name);
    }

    public String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }
}
