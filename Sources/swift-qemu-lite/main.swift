import SwiftQemuLite

Tool.main(CommandLine.arguments)
